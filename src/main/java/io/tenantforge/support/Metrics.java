package io.tenantforge.support;

import java.time.Duration;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * tenantforge's own metrics (Prometheus names in brackets): orders by channel and outcome
 * ({@code tenantforge_orders_total}) and the duration of each provisioning step
 * ({@code tenantforge_provisioning_step_seconds}, a histogram).
 */
@Component
public class Metrics {

	private final MeterRegistry registry;

	public Metrics(MeterRegistry registry) {
		this.registry = registry;
	}

	/** Outcomes: accepted, replayed, rejected, conflict, unavailable. */
	public void order(String channel, String outcome) {
		Counter.builder("tenantforge.orders")
			.description("Orders received, by channel and outcome")
			.tag("channel", channel == null ? "unknown" : channel)
			.tag("outcome", outcome)
			.register(registry)
			.increment();
	}

	/** Times one reconcile step; the outcome tag says whether it succeeded. */
	public <T> T step(String step, Supplier<T> work) {
		long start = System.nanoTime();
		String outcome = "failure";
		try {
			T result = work.get();
			outcome = "success";
			return result;
		}
		finally {
			Timer.builder("tenantforge.provisioning.step")
				.description("Duration of a reconcile step")
				.tag("step", step)
				.tag("outcome", outcome)
				.publishPercentileHistogram()
				.maximumExpectedValue(Duration.ofMinutes(2))
				.register(registry)
				.record(Duration.ofNanos(System.nanoTime() - start));
		}
	}

}
