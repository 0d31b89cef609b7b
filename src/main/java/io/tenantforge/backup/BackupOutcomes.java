package io.tenantforge.backup;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The newest outcome of each tenant's backups ({@code tenant_backup_outcomes}), as
 * metrics ({@code tenantforge_backup_last_success_seconds{tenant}},
 * {@code tenantforge_backup_last_failure_seconds{tenant}}, epoch seconds, 0 for never)
 * and as the {@code scheduledBackups} health indicator: DOWN, naming each tenant and the
 * reason, while a tenant's newest scheduled backup failed after its newest success (of
 * tenants not deleted); and for the fleet page, each tenant's outcome
 * ({@code GET /api/v1/fleet/backups}, route {@code backup-fleet-outcomes}).
 */
@Component("scheduledBackupsHealthIndicator")
public class BackupOutcomes implements HealthIndicator {

	/** The newest outcome of each tenant, and how many of them failed. */
	public record FleetBackups(int failed, List<Outcome> tenants) {
	}

	/**
	 * One tenant's: FAILED while its newest scheduled backup failed after its newest
	 * success (what {@link #health()} names); a time absent when it never happened.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Outcome(String tenant, String outcome, Instant lastSuccessAt, Instant lastFailureAt, String reason) {
	}

	private final JdbcTemplate jdbc;

	private final MeterRegistry meters;

	private final Set<String> registered = ConcurrentHashMap.newKeySet();

	public BackupOutcomes(JdbcTemplate jdbc, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.meters = meters;
	}

	public void success(String tenant, String trigger, Instant at) {
		jdbc.update("INSERT INTO tenant_backup_outcomes (tenant_id, last_success_at, last_trigger) VALUES (?, ?, ?) "
				+ "ON CONFLICT (tenant_id) DO UPDATE SET last_success_at = EXCLUDED.last_success_at, "
				+ "last_trigger = EXCLUDED.last_trigger", tenant, Timestamp.from(at), trigger);
		register(tenant);
	}

	public void rotated(String tenant, Instant at) {
		jdbc.update(
				"INSERT INTO tenant_backup_outcomes (tenant_id, last_rotated_at) VALUES (?, ?) "
						+ "ON CONFLICT (tenant_id) DO UPDATE SET last_rotated_at = EXCLUDED.last_rotated_at",
				tenant, Timestamp.from(at));
	}

	public void failure(String tenant, String trigger, String reason) {
		jdbc.update(
				"INSERT INTO tenant_backup_outcomes (tenant_id, last_failure_at, last_failure, last_trigger) "
						+ "VALUES (?, now(), ?, ?) ON CONFLICT (tenant_id) DO UPDATE SET last_failure_at = now(), "
						+ "last_failure = EXCLUDED.last_failure, last_trigger = EXCLUDED.last_trigger",
				tenant, reason, trigger);
		register(tenant);
	}

	@Override
	public Health health() {
		// a tenant deleted (or being deleted) has no backups to fail any more
		List<Map<String, Object>> failing = jdbc.queryForList("SELECT o.tenant_id, o.last_failure, o.last_failure_at "
				+ "FROM tenant_backup_outcomes o JOIN tenants t ON t.id = o.tenant_id AND t.desired_state <> 'DELETED' "
				+ "WHERE o.last_trigger = 'schedule' AND o.last_failure_at IS NOT NULL "
				+ "AND (o.last_success_at IS NULL OR o.last_failure_at > o.last_success_at) ORDER BY o.tenant_id");
		if (failing.isEmpty()) {
			return Health.up().build();
		}
		Map<String, Object> details = new LinkedHashMap<>();
		failing.forEach(row -> details.put((String) row.get("tenant_id"),
				row.get("last_failure") + " (at " + ((Timestamp) row.get("last_failure_at")).toInstant() + ")"));
		return Health.down().withDetail("failedScheduledBackups", details).build();
	}

	/**
	 * The rows of {@code tenant_backup_outcomes} with a backup outcome (the route reads
	 * them) as the fleet's outcomes.
	 */
	public FleetBackups fleet(List<Map<String, Object>> rows) {
		List<Outcome> outcomes = rows.stream().map(BackupOutcomes::outcome).toList();
		return new FleetBackups((int) outcomes.stream().filter(o -> "FAILED".equals(o.outcome())).count(), outcomes);
	}

	private static Outcome outcome(Map<String, Object> row) {
		Instant success = instant(row.get("last_success_at"));
		Instant failure = instant(row.get("last_failure_at"));
		// the health indicator's condition (its query)
		boolean failed = "schedule".equals(row.get("last_trigger")) && failure != null
				&& (success == null || failure.isAfter(success));
		return new Outcome((String) row.get("tenant_id"), failed ? "FAILED" : "SUCCEEDED", success, failure,
				failure == null ? null : (String) row.get("last_failure"));
	}

	private static Instant instant(Object timestamp) {
		return timestamp == null ? null : ((Timestamp) timestamp).toInstant();
	}

	private void register(String tenant) {
		if (registered.add(tenant)) {
			Gauge.builder("tenantforge.backup.last.success", this, o -> o.epochSeconds(tenant, "last_success_at"))
				.tag("tenant", tenant)
				.baseUnit("seconds")
				.description("when the tenant's newest backup succeeded (epoch seconds; 0: never)")
				.register(meters);
			Gauge.builder("tenantforge.backup.last.failure", this, o -> o.epochSeconds(tenant, "last_failure_at"))
				.tag("tenant", tenant)
				.baseUnit("seconds")
				.description("when the tenant's newest backup failed (epoch seconds; 0: never)")
				.register(meters);
		}
	}

	private double epochSeconds(String tenant, String column) {
		List<Timestamp> at = jdbc.queryForList("SELECT " + column + " FROM tenant_backup_outcomes WHERE tenant_id = ?",
				Timestamp.class, tenant);
		return at.isEmpty() || at.get(0) == null ? 0 : at.get(0).toInstant().getEpochSecond();
	}

}
