package io.tenantforge.tenant;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The control plane's record of tenants and orders, in its own PostgreSQL database
 * (migrations under {@code db/migration}).
 */
@Repository
public class TenantStore {

	private static final String COLUMNS = "id, name, tier, desired_state, status, generation, observed_generation, "
			+ "port, conditions, order_id, attempts, generation_changed_at, activated_at, created_at, updated_at";

	/**
	 * A tenant the health sweep may judge: its ACTIVE generation reconciled, ACTIVE or
	 * DEGRADED since.
	 */
	private static final String SETTLED_ACTIVE = "observed_generation = generation AND desired_state = 'ACTIVE' "
			+ "AND status IN ('ACTIVE', 'DEGRADED')";

	private static final TypeReference<List<Condition>> CONDITIONS = new TypeReference<>() {
	};

	/** How many parsed conditions {@link #parsed} keeps. */
	private static final int PARSED_KEPT = 4096;

	private final JdbcTemplate jdbc;

	private final ObjectMapper json;

	/**
	 * Conditions already parsed, by their stored text, least recently read dropped first.
	 * Reading the same unchanged conditions again and again (every list page, every
	 * status poll) was most of a list's CPU, in parsing their times (issue 16). The lists
	 * are immutable, so tenants share them.
	 */
	private final Map<String, List<Condition>> parsed = RecentlyUsed.map(PARSED_KEPT);

	public TenantStore(JdbcTemplate jdbc, ObjectMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	/**
	 * Records a new tenant in PENDING; false when the id is taken already (whatever its
	 * spec).
	 */
	public boolean insert(String id, String name, String tier, String orderId) {
		try {
			jdbc.update(
					"INSERT INTO tenants (id, name, tier, status, conditions, order_id) VALUES (?, ?, ?, ?, "
							+ "?::jsonb, ?)",
					id, name, tier, TenantStatus.PENDING.name(), toJson(initialConditions()), orderId);
			return true;
		}
		catch (DuplicateKeyException taken) {
			return false;
		}
	}

	public Optional<Tenant> find(String id) {
		return jdbc.query("SELECT " + COLUMNS + " FROM tenants WHERE id = ?", this::map, id).stream().findFirst();
	}

	public List<Tenant> findAll() {
		return jdbc.query("SELECT " + COLUMNS + " FROM tenants ORDER BY id", this::map);
	}

	/**
	 * At most {@code limit} tenants in id order, starting after {@code after} (null: from
	 * the first).
	 */
	public List<Tenant> findPage(String after, int limit) {
		return jdbc.query("SELECT " + COLUMNS + " FROM tenants WHERE id > ? ORDER BY id LIMIT ?", this::map,
				after == null ? "" : after, limit);
	}

	/** The tenant if its desired state is not yet observed and its backoff has passed. */
	public Optional<Tenant> findForReconcile(String id) {
		return jdbc
			.query("SELECT " + COLUMNS + " FROM tenants WHERE id = ? AND observed_generation < generation "
					+ "AND next_attempt_at <= now()", this::map, id)
			.stream()
			.findFirst();
	}

	/**
	 * Ids of tenants whose desired state is not yet observed and whose backoff has
	 * passed.
	 */
	public List<String> findDue(int limit) {
		return jdbc.queryForList("SELECT id FROM tenants WHERE observed_generation < generation "
				+ "AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT ?", String.class, limit);
	}

	/**
	 * Records a new desired state (and tier, when given) as the next generation; the
	 * status shows what is under way. Empty when the tenant does not exist.
	 */
	public Optional<Tenant> changeDesired(String id, DesiredState desired, String tier, TenantStatus status) {
		return jdbc
			.query("UPDATE tenants SET desired_state = ?, tier = coalesce(?, tier), status = ?, "
					+ "generation = generation + 1, generation_changed_at = now(), attempts = 0, "
					+ "next_attempt_at = now(), updated_at = now() WHERE id = ? RETURNING " + COLUMNS, this::map,
					desired.name(), tier, status.name(), id)
			.stream()
			.findFirst();
	}

	/**
	 * Orders a tenant again whose earlier life ended (FAILED before it was ever active,
	 * or DELETED).
	 */
	public Optional<Tenant> reorder(String id, String name, String tier, String orderId) {
		return jdbc
			.query("UPDATE tenants SET name = ?, tier = ?, order_id = ?, desired_state = 'ACTIVE', "
					+ "status = 'PENDING', conditions = ?::jsonb, generation = generation + 1, "
					+ "generation_changed_at = now(), attempts = 0, next_attempt_at = now(), activated_at = NULL, "
					+ "port = NULL, updated_at = now() WHERE id = ? RETURNING " + COLUMNS, this::map, name, tier,
					orderId, toJson(initialConditions()), id)
			.stream()
			.findFirst();
	}

	/**
	 * A failed reconcile of {@code generation} to be tried again after {@code delay};
	 * nothing when a newer generation was asked for meanwhile (it is due at once and
	 * keeps its own attempts).
	 */
	public void scheduleRetry(String id, long generation, int attempts, Duration delay, List<Condition> conditions) {
		jdbc.update(
				"UPDATE tenants SET attempts = ?, next_attempt_at = now() + make_interval(secs => ?), "
						+ "conditions = ?::jsonb, updated_at = now() WHERE id = ? AND generation = ?",
				attempts, delay.toMillis() / 1000.0, toJson(conditions), id, generation);
	}

	/**
	 * The status of a reconcile of {@code generation} under way; nothing when a newer
	 * generation was asked for.
	 */
	public void updateStatus(String id, long generation, TenantStatus status) {
		jdbc.update("UPDATE tenants SET status = ?, updated_at = now() WHERE id = ? AND generation = ?", status.name(),
				id, generation);
	}

	/**
	 * Records where each tenant's container runs (tenant id → node), replacing what the
	 * previous sweep recorded: one statement.
	 */
	public void recordPlacements(java.util.Map<String, String> nodes) {
		String[] ids = nodes.keySet().toArray(String[]::new);
		String[] names = java.util.Arrays.stream(ids).map(nodes::get).toArray(String[]::new);
		jdbc.update(connection -> {
			var statement = connection.prepareStatement("WITH seen AS (SELECT * FROM unnest(?::text[], ?::text[]) "
					+ "AS s(tenant_id, node)), gone AS (DELETE FROM tenant_placements p WHERE NOT EXISTS "
					+ "(SELECT 1 FROM seen WHERE seen.tenant_id = p.tenant_id)) "
					+ "INSERT INTO tenant_placements (tenant_id, node, seen_at) SELECT tenant_id, node, now() FROM seen "
					+ "ON CONFLICT (tenant_id) DO UPDATE SET node = EXCLUDED.node, seen_at = now()");
			statement.setArray(1, connection.createArrayOf("text", ids));
			statement.setArray(2, connection.createArrayOf("text", names));
			return statement;
		});
	}

	/**
	 * The node each tenant's container runs on, as the newest sweep saw it (tenant id →
	 * node).
	 */
	public java.util.Map<String, String> placements() {
		java.util.Map<String, String> nodes = new java.util.HashMap<>();
		// a row callback (a one-argument lambda returning a value would be taken for a
		// ResultSetExtractor)
		jdbc.query("SELECT tenant_id, node FROM tenant_placements",
				(org.springframework.jdbc.core.RowCallbackHandler) rs -> nodes.put(rs.getString(1), rs.getString(2)));
		return nodes;
	}

	public Optional<String> placementOf(String id) {
		return jdbc.queryForList("SELECT node FROM tenant_placements WHERE tenant_id = ?", String.class, id)
			.stream()
			.findFirst();
	}

	/** The newest generation asked for; empty when the tenant does not exist. */
	public Optional<Long> generationOf(String id) {
		return jdbc.queryForList("SELECT generation FROM tenants WHERE id = ?", Long.class, id).stream().findFirst();
	}

	public void updateConditions(String id, List<Condition> conditions) {
		jdbc.update("UPDATE tenants SET conditions = ?::jsonb, updated_at = now() WHERE id = ?", toJson(conditions),
				id);
	}

	/**
	 * Records the outcome of a reconcile of {@code generation}, whose steps all ran.
	 * Observed generations only move forward; when a newer generation was asked for
	 * meanwhile, its status and attempts stay (it runs next).
	 */
	public void markObserved(String id, long generation, TenantStatus status, List<Condition> conditions) {
		jdbc.update("UPDATE tenants SET status = CASE WHEN generation = ? THEN ? ELSE status END, "
				+ "conditions = ?::jsonb, observed_generation = ?, "
				+ "attempts = CASE WHEN generation = ? THEN 0 ELSE attempts END, "
				+ "activated_at = CASE WHEN ? = 'ACTIVE' THEN coalesce(activated_at, now()) ELSE activated_at END, "
				+ "updated_at = now() WHERE id = ? AND observed_generation < ?", generation, status.name(),
				toJson(conditions), generation, generation, status.name(), id, generation);
	}

	/**
	 * The health sweep's verdict on a settled ACTIVE or DEGRADED tenant: its status and
	 * conditions, unless a new generation was asked for meanwhile. False when the tenant
	 * moved on.
	 */
	public boolean recordHealth(String id, long generation, TenantStatus status, List<Condition> conditions) {
		return jdbc.update(
				"UPDATE tenants SET status = ?, conditions = ?::jsonb, updated_at = now() WHERE id = ? "
						+ "AND generation = ? AND " + SETTLED_ACTIVE,
				status.name(), toJson(conditions), id, generation) == 1;
	}

	/**
	 * Hands a drifted tenant to the reconciler: DEGRADED, with the drift in its
	 * conditions, and a new generation of the same spec to reconcile (the deadline counts
	 * from now). False when a new generation was asked for meanwhile, or the tenant is
	 * not a settled ACTIVE or DEGRADED one.
	 */
	public boolean requestRepair(String id, long generation, List<Condition> conditions) {
		return jdbc.update(
				"UPDATE tenants SET status = 'DEGRADED', conditions = ?::jsonb, generation = generation + 1, "
						+ "generation_changed_at = now(), attempts = 0, next_attempt_at = now(), updated_at = now() "
						+ "WHERE id = ? AND generation = ? AND " + SETTLED_ACTIVE,
				toJson(conditions), id, generation) == 1;
	}

	/** Frees the tenant's port once its container is gone. */
	public void releasePort(String id) {
		jdbc.update("UPDATE tenants SET port = NULL WHERE id = ?", id);
	}

	/**
	 * Moves the tenant to another port (a rollout's switch to its new container, or
	 * back); false when it is not on {@code from} any more.
	 */
	public boolean movePort(String id, int from, int to) {
		return jdbc.update("UPDATE tenants SET port = ?, updated_at = now() WHERE id = ? AND port = ?", to, id,
				from) == 1;
	}

	public List<Integer> assignedPorts() {
		return jdbc.queryForList("SELECT port FROM tenants WHERE port IS NOT NULL", Integer.class);
	}

	/**
	 * Gives the tenant a port unless it has one; false when another tenant holds that
	 * port.
	 */
	public boolean assignPort(String id, int port) {
		try {
			return jdbc.update("UPDATE tenants SET port = ? WHERE id = ? AND port IS NULL", port, id) == 1;
		}
		catch (DuplicateKeyException taken) {
			return false;
		}
	}

	/** Records an order id; false when that id was recorded before. */
	public boolean recordOrder(String orderId, String tenantId, String channel, String name, String tier) {
		try {
			jdbc.update("INSERT INTO orders (order_id, tenant_id, channel, name, tier) VALUES (?, ?, ?, ?, ?)", orderId,
					tenantId, channel, name, tier);
			return true;
		}
		catch (DuplicateKeyException seen) {
			return false;
		}
	}

	public Optional<RecordedOrder> findOrder(String orderId) {
		return jdbc
			.query("SELECT order_id, tenant_id, name, tier FROM orders WHERE order_id = ?",
					(rs, i) -> new RecordedOrder(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
					orderId)
			.stream()
			.findFirst();
	}

	/** An order as it was first received. */
	public record RecordedOrder(String orderId, String tenantId, String name, String tier) {
	}

	static List<Condition> initialConditions() {
		return List.of(Condition.unknown(Condition.DATABASE_READY), Condition.unknown(Condition.CACHE_READY),
				Condition.unknown(Condition.CONTAINER_READY), Condition.unknown(Condition.HEALTHY));
	}

	private Tenant map(ResultSet rs, int row) throws SQLException {
		int port = rs.getInt("port");
		Integer maybePort = rs.wasNull() ? null : port;
		return new Tenant(rs.getString("id"), rs.getString("name"), rs.getString("tier"),
				DesiredState.valueOf(rs.getString("desired_state")), TenantStatus.valueOf(rs.getString("status")),
				rs.getLong("generation"), rs.getLong("observed_generation"), maybePort,
				fromJson(rs.getString("conditions")), rs.getString("order_id"), rs.getInt("attempts"),
				instant(rs.getTimestamp("generation_changed_at")), instant(rs.getTimestamp("activated_at")),
				instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")));
	}

	private static java.time.Instant instant(Timestamp ts) {
		return ts == null ? null : ts.toInstant();
	}

	private String toJson(List<Condition> conditions) {
		try {
			return json.writeValueAsString(conditions);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	private List<Condition> fromJson(String text) {
		List<Condition> known = parsed.get(text);
		if (known != null) {
			return known;
		}
		try {
			List<Condition> conditions = List.copyOf(json.readValue(text, CONDITIONS));
			parsed.put(text, conditions);
			return conditions;
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException("unreadable conditions: " + text, e);
		}
	}

}
