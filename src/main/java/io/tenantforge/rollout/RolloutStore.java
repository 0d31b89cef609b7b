package io.tenantforge.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.health.UpgradesInFlight;
import io.tenantforge.rollout.Rollout.Entry;
import io.tenantforge.rollout.Rollout.State;
import io.tenantforge.rollout.Rollout.Step;
import io.tenantforge.support.ConflictException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rollouts and their tenants in the control-plane database (Flyway V10): the state a
 * restarted driver resumes.
 */
@Repository
class RolloutStore implements UpgradesInFlight {

	private final JdbcTemplate jdbc;

	private final ObjectMapper json;

	private final TransactionTemplate transaction;

	RolloutStore(JdbcTemplate jdbc, ObjectMapper json, TransactionTemplate transaction) {
		this.jdbc = jdbc;
		this.json = json;
		this.transaction = transaction;
	}

	/**
	 * Records a rollout and its planned tenants in one transaction; 409 when another one
	 * is active.
	 */
	Rollout create(RolloutRequest request, String rule, List<Entry> entries, String user) {
		try {
			return transaction.execute(status -> {
				Long id = jdbc.queryForObject("INSERT INTO rollouts (image, schema_version, waves, max_unavailable, "
						+ "failure_threshold, canary_rule, state, created_by) VALUES (?, ?, ?::jsonb, ?, ?, ?, 'RUNNING', ?) "
						+ "RETURNING id", Long.class, request.image(), request.schemaVersion(), toJson(request.waves()),
						request.maxUnavailable(), request.failureThreshold(), rule, user);
				for (Entry entry : entries) {
					jdbc.update(
							"INSERT INTO rollout_tenants (rollout_id, tenant_id, wave, position, step, from_image, "
									+ "from_schema) VALUES (?, ?, ?, ?, 'PENDING', ?, ?)",
							id, entry.tenantId(), entry.wave(), entry.position(), entry.fromImage(),
							entry.fromSchema());
				}
				return find(id).orElseThrow();
			});
		}
		catch (DuplicateKeyException running) {
			throw new ConflictException("a rollout is already running or paused: "
					+ active(true).map(r -> "rollout " + r.id() + " (" + r.state() + ")").orElse("another one"));
		}
	}

	Optional<Rollout> find(long id) {
		return jdbc.query("SELECT * FROM rollouts WHERE id = ?", this::rollout, id).stream().findFirst();
	}

	/** The RUNNING rollout (with {@code orPaused}, also a PAUSED one). */
	/**
	 * Tenants of the running or paused rollout whose candidate may run beside the old
	 * container (started, not yet promoted or removed): the sweep expects those
	 * candidates. One left by a rollout that was aborted after a crash is not here, and
	 * the sweep reports it.
	 */
	@Override
	public Set<String> tenants() {
		return Set.copyOf(jdbc.queryForList("SELECT t.tenant_id FROM rollout_tenants t JOIN rollouts r ON r.id = "
				+ "t.rollout_id WHERE r.state IN ('RUNNING', 'PAUSED') AND t.step IN ('STARTING', 'PROBING', "
				+ "'SWITCHING', 'RETIRING')", String.class));
	}

	Optional<Rollout> active(boolean orPaused) {
		return jdbc
			.query("SELECT * FROM rollouts WHERE state IN (" + (orPaused ? "'RUNNING', 'PAUSED'" : "'RUNNING'")
					+ ") ORDER BY id LIMIT 1", this::rollout)
			.stream()
			.findFirst();
	}

	List<Rollout> recent(int limit) {
		return jdbc.query("SELECT * FROM rollouts ORDER BY id DESC LIMIT ?", this::rollout, limit);
	}

	List<Entry> entries(long rolloutId) {
		return jdbc.query("SELECT * FROM rollout_tenants WHERE rollout_id = ? ORDER BY wave, position", this::entry,
				rolloutId);
	}

	/**
	 * Moves the rollout from one of {@code from} to {@code to}; false when it was in none
	 * of them.
	 */
	boolean transition(long id, List<State> from, State to, String reason) {
		String[] names = from.stream().map(Enum::name).toArray(String[]::new);
		boolean finished = to == State.COMPLETED || to == State.HALTED || to == State.ABORTED;
		return jdbc.update(
				"UPDATE rollouts SET state = ?, reason = coalesce(?, reason), updated_at = now(), "
						+ "finished_at = CASE WHEN ? THEN now() ELSE finished_at END WHERE id = ? AND state = ANY (?)",
				to.name(), reason, finished, id, names) == 1;
	}

	void currentWave(long id, int wave) {
		jdbc.update("UPDATE rollouts SET current_wave = ?, updated_at = now() WHERE id = ?", wave, id);
	}

	/** Writes the tenant's next step (before its effect). */
	void step(long rolloutId, String tenantId, Step step, String reason) {
		jdbc.update("UPDATE rollout_tenants SET step = ?, reason = ?, updated_at = now() WHERE rollout_id = ? AND "
				+ "tenant_id = ?", step.name(), reason, rolloutId, tenantId);
	}

	/** The version and port the tenant comes from, written as it leaves PENDING. */
	void origin(long rolloutId, String tenantId, String image, String schema, Integer port) {
		jdbc.update("UPDATE rollout_tenants SET from_image = ?, from_schema = ?, from_port = ?, updated_at = now() "
				+ "WHERE rollout_id = ? AND tenant_id = ?", image, schema, port, rolloutId, tenantId);
	}

	void candidatePort(long rolloutId, String tenantId, int port) {
		jdbc.update("UPDATE rollout_tenants SET candidate_port = ?, updated_at = now() WHERE rollout_id = ? AND "
				+ "tenant_id = ?", port, rolloutId, tenantId);
	}

	/**
	 * Ports of candidate containers of tenants not finished: no other candidate may take
	 * them.
	 */
	List<Integer> reservedPorts() {
		return jdbc.queryForList("SELECT candidate_port FROM rollout_tenants WHERE candidate_port IS NOT NULL AND "
				+ "step NOT IN ('DONE', 'FAILED', 'SKIPPED')", Integer.class);
	}

	private Rollout rollout(ResultSet rs, int n) throws SQLException {
		try {
			return new Rollout(rs.getLong("id"), rs.getString("image"), rs.getString("schema_version"),
					json.readValue(rs.getString("waves"), new TypeReference<List<String>>() {
					}), rs.getInt("max_unavailable"), rs.getInt("failure_threshold"), rs.getString("canary_rule"),
					State.valueOf(rs.getString("state")), rs.getString("reason"), rs.getInt("current_wave"),
					instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at")),
					instant(rs.getTimestamp("finished_at")));
		}
		catch (JsonProcessingException e) {
			throw new SQLException("rollout " + rs.getLong("id") + " has unreadable waves", e);
		}
	}

	private Entry entry(ResultSet rs, int n) throws SQLException {
		return new Entry(rs.getLong("rollout_id"), rs.getString("tenant_id"), rs.getInt("wave"), rs.getInt("position"),
				Step.valueOf(rs.getString("step")), rs.getString("from_image"), rs.getString("from_schema"),
				(Integer) rs.getObject("from_port"), (Integer) rs.getObject("candidate_port"), rs.getString("reason"),
				instant(rs.getTimestamp("updated_at")));
	}

	private static Instant instant(Timestamp timestamp) {
		return timestamp == null ? null : timestamp.toInstant();
	}

	private String toJson(Object value) {
		try {
			return json.writeValueAsString(value);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

}
