package io.tenantforge.backup;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.tenantforge.support.ConflictException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The restores' progress in the control-plane database ({@code tenant_restores}) and the
 * backups' owners.
 */
@Component
public class RestoreLedger {

	private static final String COLUMNS = "id, tenant_id, backup_id, source_tenant, phase, reason, started_at, "
			+ "finished_at";

	private final JdbcTemplate jdbc;

	public RestoreLedger(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A restore as recorded, and as the API shows it. */
	public record RestoreView(long id, String tenant, String backup, String sourceTenant, RestorePhase phase,
			String reason, Instant startedAt, Instant finishedAt) {
	}

	/** Records a new restore in STAGING; 409 when the tenant has an unfinished one. */
	public long open(String tenant, String backupId, String sourceTenant) {
		try {
			return jdbc.queryForObject(
					"INSERT INTO tenant_restores (tenant_id, backup_id, source_tenant, phase) "
							+ "VALUES (?, ?, ?, ?) RETURNING id",
					Long.class, tenant, backupId, sourceTenant, RestorePhase.STAGING.name());
		}
		catch (DuplicateKeyException e) {
			throw new ConflictException("tenant '" + tenant + "' has a restore under way");
		}
	}

	public void mark(long id, RestorePhase phase) {
		jdbc.update("UPDATE tenant_restores SET phase = ?, updated_at = now() WHERE id = ?", phase.name(), id);
	}

	public void end(long id, RestorePhase phase, String reason) {
		jdbc.update("UPDATE tenant_restores SET phase = ?, reason = ?, updated_at = now(), finished_at = now() "
				+ "WHERE id = ?", phase.name(), reason, id);
	}

	public Optional<RestoreView> find(long id) {
		return jdbc.query("SELECT " + COLUMNS + " FROM tenant_restores WHERE id = ?", (rs, i) -> view(rs), id)
			.stream()
			.findFirst();
	}

	public List<RestoreView> unfinished() {
		return jdbc.query("SELECT " + COLUMNS + " FROM tenant_restores WHERE finished_at IS NULL ORDER BY id",
				(rs, i) -> view(rs));
	}

	/** The tenant a recorded backup is of; empty when the id is not recorded here. */
	public Optional<String> ownerOfBackup(String backupId) {
		return jdbc.queryForList("SELECT tenant_id FROM tenant_backups WHERE id = ?", String.class, backupId)
			.stream()
			.findFirst();
	}

	private static RestoreView view(java.sql.ResultSet rs) throws java.sql.SQLException {
		java.sql.Timestamp finished = rs.getTimestamp("finished_at");
		return new RestoreView(rs.getLong("id"), rs.getString("tenant_id"), rs.getString("backup_id"),
				rs.getString("source_tenant"), RestorePhase.valueOf(rs.getString("phase")), rs.getString("reason"),
				rs.getTimestamp("started_at").toInstant(), finished == null ? null : finished.toInstant());
	}

}
