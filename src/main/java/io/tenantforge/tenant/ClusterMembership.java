package io.tenantforge.tenant;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.DaemonThreads;
import io.tenantforge.support.Sha256;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * This control plane's place among the instances sharing its database. On start it
 * refuses to join when a live instance runs with another tier catalogue (the same tier
 * would get different limits depending on which instance reconciled a tenant); then it
 * heartbeats every {@value #HEARTBEAT_SECONDS} s and leaves on shutdown. An instance not
 * seen for {@value #DEAD_AFTER_SECONDS} s is dead and does not count. With no live
 * instance, a changed catalogue is simply the new one.
 */
@Component
class ClusterMembership implements DisposableBean {

	static final int HEARTBEAT_SECONDS = 10;

	static final int DEAD_AFTER_SECONDS = 60;

	/**
	 * Serialises joins, so two instances starting at once with different catalogues
	 * cannot both get in.
	 */
	private static final long JOIN_LOCK = 0x74665f6a6f696eL; // "tf_join"

	private static final Logger log = LoggerFactory.getLogger(ClusterMembership.class);

	private final JdbcTemplate database;

	private final String instance;

	private final ScheduledExecutorService heartbeat = Executors
		.newSingleThreadScheduledExecutor(DaemonThreads.named("control-plane-heartbeat"));

	public ClusterMembership(JdbcTemplate database, TransactionTemplate transactions, TierCatalog tiers) {
		this.database = database;
		this.instance = ManagementFactory.getRuntimeMXBean().getName() + "/"
				+ UUID.randomUUID().toString().substring(0, 8);
		String description = tiers.tiers().toString();
		String fingerprint = Sha256.hex(description);
		transactions.executeWithoutResult(status -> {
			database.queryForObject("SELECT pg_advisory_xact_lock(?)", Object.class, JOIN_LOCK);
			database.update("DELETE FROM control_planes WHERE last_seen < now() - make_interval(secs => ?)",
					DEAD_AFTER_SECONDS);
			List<String> others = database.queryForList(
					"SELECT instance FROM control_planes WHERE tier_fingerprint <> ? ORDER BY started_at", String.class,
					fingerprint);
			if (!others.isEmpty()) {
				throw new IllegalStateException("this control plane's tier catalogue (config/tiers.yaml) differs from "
						+ "that of the running control plane(s) " + others + " on the same database: start every "
						+ "instance with the same tiers (to change them, stop all instances, then start them with the "
						+ "new catalogue)");
			}
			database.update("INSERT INTO control_planes (instance, tier_fingerprint, tiers) VALUES (?, ?, ?)", instance,
					fingerprint, description);
		});
		log.info("Control plane {} joined (tier catalogue {})", instance, fingerprint.substring(0, 12));
		heartbeat.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
	}

	private void beat() {
		try {
			database.update("UPDATE control_planes SET last_seen = now() WHERE instance = ?", instance);
		}
		catch (RuntimeException e) {
			log.warn("Control plane heartbeat failed: {}", e.getMessage());
		}
	}

	public String instance() {
		return instance;
	}

	@Override
	public void destroy() {
		heartbeat.shutdownNow();
		try {
			database.update("DELETE FROM control_planes WHERE instance = ?", instance);
		}
		catch (RuntimeException e) {
			log.debug("Could not leave the control-plane table: {}", e.getMessage());
		}
	}

}
