package io.tenantforge.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.Headers;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.util.FileSystemUtils;

/**
 * Scheduled backups and their retention, per tier
 * ({@code tenantforge.backup.tiers.<tier>.every} and {@code keep}, in
 * {@code config/tiers.yaml}): the {@code backup-schedule} route (clustered Quartz, one
 * node at a time) asks which tenants are due, backs each up, records the outcome and
 * prunes the tier's old backups.
 */
@Component
public class BackupSchedule {

	private static final Logger log = LoggerFactory.getLogger(BackupSchedule.class);

	private final JdbcTemplate jdbc;

	private final BackupProperties properties;

	private final BackupOutcomes outcomes;

	public BackupSchedule(JdbcTemplate jdbc, BackupProperties properties, BackupOutcomes outcomes) {
		this.jdbc = jdbc;
		this.properties = properties;
		this.outcomes = outcomes;
	}

	/**
	 * ACTIVE tenants of a tier with a schedule whose newest backup (or failed attempt) is
	 * older than the tier's interval.
	 */
	public List<String> due() {
		List<String> due = new ArrayList<>();
		properties.tiers().forEach((tier, schedule) -> {
			if (schedule.every() == null) {
				return;
			}
			due.addAll(jdbc.queryForList(
					"SELECT t.id FROM tenants t LEFT JOIN tenant_backup_outcomes o ON o.tenant_id = t.id "
							+ "WHERE t.tier = ? AND t.desired_state = 'ACTIVE' AND t.status = 'ACTIVE' "
							+ "AND coalesce(greatest(o.last_success_at, o.last_failure_at), '-infinity') "
							+ "< now() - make_interval(secs => ?) ORDER BY t.id",
					String.class, tier, schedule.every().toMillis() / 1000.0));
		});
		return due;
	}

	/**
	 * ACTIVE tenants of a tier with a rotation interval whose last rotation (or creation)
	 * is older than it.
	 */
	public List<String> rotationsDue() {
		List<String> due = new ArrayList<>();
		properties.tiers().forEach((tier, schedule) -> {
			if (schedule.rotateEvery() == null) {
				return;
			}
			due.addAll(jdbc.queryForList(
					"SELECT t.id FROM tenants t LEFT JOIN tenant_backup_outcomes o ON o.tenant_id = t.id "
							+ "WHERE t.tier = ? AND t.desired_state = 'ACTIVE' AND t.status = 'ACTIVE' "
							+ "AND t.observed_generation = t.generation AND coalesce(o.last_rotated_at, t.created_at) "
							+ "< now() - make_interval(secs => ?) ORDER BY t.id",
					String.class, tier, schedule.rotateEvery().toMillis() / 1000.0));
		});
		return due;
	}

	public void rotated(CredentialRotation.RotationView rotation) {
		outcomes.rotated(rotation.tenant(), rotation.rotatedAt());
	}

	public void rotationFailed(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		log.warn("Scheduled credential rotation of tenant {} failed: {}",
				exchange.getMessage().getHeader(Headers.TENANT_ID, String.class),
				cause == null ? "?" : cause.getMessage());
	}

	public void succeeded(BackupView backup) {
		outcomes.success(backup.tenant(), backup.trigger(), backup.createdAt());
	}

	public void failed(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		String tenant = exchange.getMessage().getHeader(Headers.TENANT_ID, String.class);
		String reason = cause == null ? "unknown failure" : cause.getMessage();
		log.warn("Scheduled backup of tenant {} failed: {}", tenant, reason);
		outcomes.failure(tenant, "schedule", reason);
	}

	/**
	 * Removes the tenant's backups beyond its tier's {@code keep} newest (store folder,
	 * then row).
	 */
	public int prune(@Header(Headers.TENANT_ID) String tenant) {
		String tier = jdbc.queryForList("SELECT tier FROM tenants WHERE id = ?", String.class, tenant)
			.stream()
			.findFirst()
			.orElse(null);
		BackupProperties.TierSchedule schedule = tier == null ? null : properties.tiers().get(tier);
		if (schedule == null || schedule.keep() <= 0) {
			return 0;
		}
		List<Map<String, Object>> old = jdbc.queryForList(
				"SELECT id FROM tenant_backups WHERE tenant_id = ? " + "ORDER BY created_at DESC, id DESC OFFSET ?",
				tenant, schedule.keep());
		for (Map<String, Object> row : old) {
			String id = (String) row.get("id");
			Path folder = properties.dir().toAbsolutePath().resolve(tenant).resolve(id);
			try {
				FileSystemUtils.deleteRecursively(folder);
			}
			catch (IOException e) {
				log.warn("Backup {} of {} could not be removed: {}", id, tenant, e.getMessage());
				continue;
			}
			jdbc.update("DELETE FROM tenant_backups WHERE id = ?", id);
			log.info("Removed backup {} of tenant {} (tier {} keeps {})", id, tenant, tier, schedule.keep());
		}
		return old.size();
	}

}
