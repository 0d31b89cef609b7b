package io.tenantforge.health;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.NotFoundException;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The sweep reports, in the control plane's database so every node of a cluster answers
 * with the newest one, whichever node ran it. Skipped sweeps (another held the lock) are
 * recorded too, so a doubled schedule shows.
 */
@Repository
public class FleetReports {

	private final JdbcTemplate jdbc;

	private final ObjectMapper json;

	public FleetReports(JdbcTemplate jdbc, ObjectMapper json) {
		this.jdbc = jdbc;
		this.json = json;
	}

	public void saveDone(FleetReport report, Instant scheduledAt) {
		jdbc.update(
				"INSERT INTO fleet_sweeps (instance, trigger, scheduled_at, started_at, finished_at, outcome, "
						+ "report) VALUES (?, ?, ?, ?, ?, 'done', ?::jsonb)",
				report.instance(), report.trigger(), timestamp(scheduledAt), timestamp(report.sweptAt()),
				timestamp(report.finishedAt()), toJson(report));
	}

	/**
	 * Adds the router's part to a report saved by {@link #saveDone} (the route sweep runs
	 * after the fleet sweep).
	 */
	public void saveRoutes(FleetReport report) {
		try {
			jdbc.update(
					"UPDATE fleet_sweeps SET report = jsonb_set(report, '{routes}', ?::jsonb) WHERE instance = ? "
							+ "AND started_at = ? AND outcome = 'done'",
					json.writeValueAsString(report.routes()), report.instance(), timestamp(report.sweptAt()));
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	public void saveSkipped(String instance, String trigger, Instant scheduledAt, Instant startedAt) {
		jdbc.update(
				"INSERT INTO fleet_sweeps (instance, trigger, scheduled_at, started_at, outcome) "
						+ "VALUES (?, ?, ?, ?, 'skipped')",
				instance, trigger, timestamp(scheduledAt), timestamp(startedAt));
	}

	public void saveFailed(String instance, String trigger, Instant scheduledAt, Instant startedAt) {
		jdbc.update(
				"INSERT INTO fleet_sweeps (instance, trigger, scheduled_at, started_at, finished_at, outcome) "
						+ "VALUES (?, ?, ?, ?, now(), 'failed')",
				instance, trigger, timestamp(scheduledAt), timestamp(startedAt));
	}

	/** The newest finished sweep's report. */
	public Optional<FleetReport> latest() {
		return jdbc
			.queryForList("SELECT report::text FROM fleet_sweeps WHERE outcome = 'done' "
					+ "ORDER BY finished_at DESC LIMIT 1", String.class)
			.stream()
			.findFirst()
			.map(this::fromJson);
	}

	/** The newest report, for the API: 404 before any sweep has finished. */
	public FleetReport newest() {
		return latest().orElseThrow(() -> new NotFoundException(
				"no health sweep has finished yet (schedule: tenantforge.sweep.cron; POST /api/v1/fleet/sweep runs one)"));
	}

	/** Forgets sweeps older than {@code keep}. */
	public void prune(Duration keep) {
		jdbc.update("DELETE FROM fleet_sweeps WHERE started_at < now() - make_interval(secs => ?)",
				(double) keep.toSeconds());
	}

	private static Timestamp timestamp(Instant instant) {
		return instant == null ? null : Timestamp.from(instant);
	}

	private String toJson(FleetReport report) {
		try {
			return json.writeValueAsString(report);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

	private FleetReport fromJson(String text) {
		try {
			return json.readValue(text, FleetReport.class);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException("unreadable sweep report", e);
		}
	}

}
