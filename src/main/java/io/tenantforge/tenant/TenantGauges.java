package io.tenantforge.tenant;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code tenantforge_tenants{status,tier}}: how many tenants are in each status per tier,
 * from one grouped query cached for a few seconds however often Prometheus scrapes.
 */
@Component
class TenantGauges implements MeterBinder {

	private static final Duration FRESH_FOR = Duration.ofSeconds(5);

	private final JdbcTemplate jdbc;

	private final TierCatalog tiers;

	private volatile Map<String, Long> counts = Map.of();

	private volatile Instant countedAt = Instant.EPOCH;

	TenantGauges(JdbcTemplate jdbc, TierCatalog tiers) {
		this.jdbc = jdbc;
		this.tiers = tiers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (TenantStatus status : TenantStatus.values()) {
			for (String tier : tiers.tiers().keySet()) {
				Gauge.builder("tenantforge.tenants", () -> count(status.name(), tier))
					.description("Tenants by status and tier")
					.tag("status", status.name())
					.tag("tier", tier)
					.register(registry);
			}
		}
	}

	private double count(String status, String tier) {
		if (Instant.now().isAfter(countedAt.plus(FRESH_FOR))) {
			Map<String, Long> fresh = new ConcurrentHashMap<>();
			try {
				jdbc.query("SELECT status, tier, count(*) FROM tenants GROUP BY status, tier", rs -> {
					fresh.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(3));
				});
				counts = fresh;
			}
			catch (RuntimeException unreachable) {
				return Double.NaN;
			}
			finally {
				countedAt = Instant.now();
			}
		}
		return counts.getOrDefault(status + "/" + tier, 0L);
	}

}
