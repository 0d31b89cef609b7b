package io.tenantforge.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How many times the sweep may restart a tenant's unhealthy container: at most
 * {@code restartBudget} within {@code restartWindow}, never twice within
 * {@code restartCooldown}. Counted in the control plane's database, so the budget holds
 * across nodes and restarts of the control plane: no flapping restart loop.
 */
@Component
class RestartBudget {

	private final JdbcTemplate jdbc;

	private final SweepProperties properties;

	public RestartBudget(JdbcTemplate jdbc, SweepProperties properties) {
		this.jdbc = jdbc;
		this.properties = properties;
	}

	/**
	 * Restarts within the window, by tenant, oldest first: one query for the whole fleet.
	 */
	public Map<String, List<Instant>> recent() {
		Map<String, List<Instant>> recent = new HashMap<>();
		jdbc.query("SELECT tenant_id, restarted_at FROM tenant_restarts WHERE restarted_at > now() - "
				+ "make_interval(secs => ?) ORDER BY restarted_at", rs -> {
					recent.computeIfAbsent(rs.getString(1), id -> new ArrayList<>())
						.add(rs.getTimestamp(2).toInstant());
				}, (double) properties.getRestartWindow().toSeconds());
		return recent;
	}

	/**
	 * Why the tenant may not be restarted now, given its recent restarts; empty when it
	 * may.
	 */
	public Optional<String> refusal(List<Instant> restarts, Instant now) {
		if (restarts.size() >= properties.getRestartBudget()) {
			return Optional.of("restart budget spent: " + restarts.size() + " restarts within "
					+ properties.getRestartWindow().toMinutes() + " min; left for an operator");
		}
		if (!restarts.isEmpty()) {
			Instant last = restarts.get(restarts.size() - 1);
			Duration since = Duration.between(last, now);
			if (since.compareTo(properties.getRestartCooldown()) < 0) {
				return Optional.of("cooling down: restarted " + since.toSeconds() + " s ago (cool-down "
						+ properties.getRestartCooldown().toSeconds() + " s)");
			}
		}
		return Optional.empty();
	}

	public void record(String tenantId, String reason) {
		jdbc.update("INSERT INTO tenant_restarts (tenant_id, reason) VALUES (?, ?)", tenantId, reason);
	}

	/** Forgets restarts that no window counts any more. */
	public void prune() {
		jdbc.update("DELETE FROM tenant_restarts WHERE restarted_at < now() - make_interval(secs => ?)",
				(double) properties.getRestartWindow().toSeconds());
	}

}
