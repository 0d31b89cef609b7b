package io.tenantforge.tenant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The version ledger (tables {@code fleet_version} and {@code tenant_versions}, Flyway
 * V10): per tenant the product image it runs and the tenant schema version it is migrated
 * to, and the fleet's current version that new orders take. A null image means the
 * configured {@code tenantforge.runtime.image} (tenants from before the ledger, and a
 * fleet that never had a rollout). The whole fleet is read with one query
 * ({@link #fleet}).
 */
@Repository
public class TenantVersions {

	/**
	 * The tenant schema version of a fleet that never had a rollout: every migration
	 * there was before V2.
	 */
	public static final String INITIAL_SCHEMA = "1";

	private final JdbcTemplate jdbc;

	public TenantVersions(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * What new orders take: the newest completed rollout's version, or the configured
	 * image at schema 1.
	 */
	public Version current() {
		return jdbc.query("SELECT image, schema_version FROM fleet_version WHERE id = 1",
				rs -> rs.next() ? new Version(rs.getString(1), rs.getString(2)) : new Version(null, INITIAL_SCHEMA));
	}

	/** Makes {@code version} the one new orders take. */
	public void setCurrent(Version version) {
		jdbc.update(
				"INSERT INTO fleet_version (id, image, schema_version) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE "
						+ "SET image = excluded.image, schema_version = excluded.schema_version, updated_at = now()",
				version.image(), version.schemaVersion());
	}

	/**
	 * Forgets the fleet's version: new orders take the configured image at schema 1
	 * again.
	 */
	public void resetCurrent() {
		jdbc.update("DELETE FROM fleet_version");
	}

	/**
	 * The tenant's version, given the fleet's current one the first time it is asked for
	 * (its first provisioning): from then on only a rollout changes it.
	 */
	public TenantVersion assign(String tenantId) {
		Version fleet = current();
		jdbc.update("INSERT INTO tenant_versions (tenant_id, image, schema_version) VALUES (?, ?, ?) "
				+ "ON CONFLICT (tenant_id) DO NOTHING", tenantId, fleet.image(), fleet.schemaVersion());
		return find(tenantId).orElseThrow();
	}

	/**
	 * The tenant is deleted: its entry goes (ordered again, it takes the fleet's version
	 * of then).
	 */
	public void forget(String tenantId) {
		jdbc.update("DELETE FROM tenant_versions WHERE tenant_id = ?", tenantId);
	}

	public Optional<TenantVersion> find(String tenantId) {
		return jdbc.query(SELECT + " WHERE v.tenant_id = ?", TenantVersions::row, tenantId).stream().findFirst();
	}

	/**
	 * Every live tenant's version with what a rollout plans by (tier, age, status): one
	 * query for the fleet.
	 */
	public List<TenantVersion> fleet() {
		return jdbc.query(SELECT + " WHERE t.status <> 'DELETED' ORDER BY t.id", TenantVersions::row);
	}

	/**
	 * A rollout upgraded the tenant: its new version; a hold of an earlier rollout is
	 * lifted.
	 */
	public void record(String tenantId, Version version) {
		jdbc.update("UPDATE tenant_versions SET image = ?, schema_version = ?, held_reason = NULL, updated_at = now() "
				+ "WHERE tenant_id = ?", version.image(), version.schemaVersion(), tenantId);
	}

	/** Only the schema moved (migrations applied; the image not yet switched). */
	public void recordSchema(String tenantId, String schemaVersion) {
		jdbc.update("UPDATE tenant_versions SET schema_version = ?, updated_at = now() WHERE tenant_id = ?",
				schemaVersion, tenantId);
	}

	/**
	 * A rollout failed for the tenant: it stays at its version, held, with the reason.
	 */
	public void hold(String tenantId, String reason) {
		jdbc.update("UPDATE tenant_versions SET held_reason = ?, updated_at = now() WHERE tenant_id = ?", reason,
				tenantId);
	}

	/**
	 * Pins (or unpins) the tenant at its version: a pinned tenant is left out of every
	 * rollout.
	 */
	public boolean pin(String tenantId, boolean pinned) {
		return jdbc.update("UPDATE tenant_versions SET pinned = ?, updated_at = now() WHERE tenant_id = ?", pinned,
				tenantId) == 1;
	}

	private static final String SELECT = "SELECT v.tenant_id, v.image, v.schema_version, v.pinned, v.held_reason, "
			+ "t.tier, t.status, t.created_at, t.port, t.generation = t.observed_generation AS settled, "
			+ "t.desired_state FROM tenant_versions v JOIN tenants t ON t.id = v.tenant_id";

	private static TenantVersion row(ResultSet rs, int n) throws SQLException {
		return new TenantVersion(rs.getString("tenant_id"),
				new Version(rs.getString("image"), rs.getString("schema_version")), rs.getBoolean("pinned"),
				rs.getString("held_reason"), rs.getString("tier"), TenantStatus.valueOf(rs.getString("status")),
				rs.getTimestamp("created_at").toInstant(), (Integer) rs.getObject("port"), rs.getBoolean("settled")
						&& "ACTIVE".equals(rs.getString("desired_state")) && "ACTIVE".equals(rs.getString("status")));
	}

	/** An image and a tenant schema version; a null image is the configured default. */
	public record Version(String image, String schemaVersion) {
	}

	/**
	 * A tenant's entry of the ledger, with what a rollout plans by.
	 *
	 * @param settledActive the tenant is to be ACTIVE, is ACTIVE, and its newest
	 * generation is reconciled
	 */
	public record TenantVersion(String tenantId, Version version, boolean pinned, String heldReason, String tier,
			TenantStatus status, Instant createdAt, Integer port, boolean settledActive) {
	}

}
