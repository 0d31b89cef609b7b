package io.tenantforge.rollout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.tenantforge.rollout.Rollout.Step;

import org.springframework.stereotype.Component;

/**
 * Rollout progress in metrics: {@code tenantforge_rollout_upgrades_total{outcome}}
 * (tenants done, failed, skipped, waiting) and {@code tenantforge_rollout_tenants{step}}
 * (the active rollout's tenants by step, 0 without one), refreshed by the driver's tick.
 */
@Component
class RolloutMetrics {

	private final MeterRegistry registry;

	private final Map<Step, AtomicInteger> bySteps = new ConcurrentHashMap<>();

	RolloutMetrics(MeterRegistry registry) {
		this.registry = registry;
		for (Step step : Step.values()) {
			AtomicInteger value = new AtomicInteger();
			bySteps.put(step, value);
			Gauge.builder("tenantforge.rollout.tenants", value, AtomicInteger::get)
				.description("Tenants of the active rollout by step")
				.tag("step", step.name())
				.register(registry);
		}
	}

	void counted(TenantUpgrade.Outcome outcome) {
		Counter.builder("tenantforge.rollout.upgrades")
			.description("Tenant upgrades of rollouts, by outcome")
			.tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
			.register(registry)
			.increment();
	}

	void steps(Map<Step, Integer> counts) {
		bySteps.forEach((step, value) -> value.set(counts.getOrDefault(step, 0)));
	}

}
