package io.tenantforge.health;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.tenantforge.tenant.ResourceKind;

import org.springframework.stereotype.Component;

/**
 * The sweep's metrics: {@code tenantforge_sweep_seconds} (duration, histogram),
 * {@code tenantforge_sweep_repairs_total {action}} (reconcile, restart, orphan-removal),
 * {@code tenantforge_sweep_restarts_total}, and, from the newest report whichever node
 * made it, {@code tenantforge_sweep_orphans{kind}}, {@code tenantforge_sweep_degraded}
 * and {@code tenantforge_sweep_last_finished_seconds} (epoch seconds). Tenants by status
 * are {@code tenantforge_tenants}.
 */
@Component
class SweepMetrics implements MeterBinder {

	private static final Duration FRESH_FOR = Duration.ofSeconds(5);

	/** The kinds the fleet sweep finds orphans of on a single engine, one gauge each. */
	private static final Set<ResourceKind> ORPHAN_KINDS = EnumSet.of(ResourceKind.CONTAINER, ResourceKind.DATABASE_ROLE,
			ResourceKind.DATABASE_SCHEMA, ResourceKind.REDIS_USER);

	private final FleetReports reports;

	private MeterRegistry registry;

	private volatile Optional<FleetReport> latest = Optional.empty();

	private volatile Instant readAt = Instant.EPOCH;

	SweepMetrics(FleetReports reports) {
		this.reports = reports;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (ResourceKind kind : ORPHAN_KINDS) {
			Gauge
				.builder("tenantforge.sweep.orphans",
						() -> latest().map(r -> r.orphans().stream().filter(o -> o.kind() == kind).count()).orElse(0L))
				.description("Orphans the newest sweep reported, by kind")
				.tag("kind", kind.id())
				.register(registry);
		}
		Gauge.builder("tenantforge.sweep.degraded", () -> latest().map(r -> r.degraded().size()).orElse(0))
			.description("Degraded tenants in the newest sweep")
			.register(registry);
		Gauge
			.builder("tenantforge.sweep.last.finished",
					() -> latest().map(r -> r.finishedAt().toEpochMilli() / 1000.0).orElse(Double.NaN))
			.description("When the newest sweep finished (epoch seconds)")
			.baseUnit("seconds")
			.register(registry);
		Timer.builder("tenantforge.sweep")
			.description("Duration of a health sweep")
			.publishPercentileHistogram()
			.maximumExpectedValue(Duration.ofMinutes(5))
			.register(registry);
		for (String action : new String[] { "reconcile", "restart", "orphan-removal" }) {
			repairs(action);
		}
		Counter.builder("tenantforge.sweep.restarts")
			.description("Unhealthy containers restarted by the sweep")
			.register(registry);
	}

	void swept(FleetReport report) {
		Timer.builder("tenantforge.sweep").register(registry).record(Duration.ofMillis(report.durationMillis()));
		repairs("reconcile").increment(report.repairs().reconciles());
		repairs("restart").increment(report.repairs().restarts());
		repairs("orphan-removal").increment(report.repairs().orphansRemoved());
		Counter.builder("tenantforge.sweep.restarts").register(registry).increment(report.repairs().restarts());
		latest = Optional.of(report);
		readAt = Instant.now();
	}

	private Counter repairs(String action) {
		return Counter.builder("tenantforge.sweep.repairs")
			.description("Repairs started by the health sweep, by action")
			.tag("action", action)
			.register(registry);
	}

	private Optional<FleetReport> latest() {
		if (Instant.now().isAfter(readAt.plus(FRESH_FOR))) {
			try {
				latest = reports.latest();
			}
			catch (RuntimeException unreachable) {
				// keep what we had
			}
			finally {
				readAt = Instant.now();
			}
		}
		return latest;
	}

}
