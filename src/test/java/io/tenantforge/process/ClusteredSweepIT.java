package io.tenantforge.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.tenantforge.support.ControlPlaneProcess;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two control planes on one database with the same sweep schedule: Quartz's clustered job
 * store fires each scheduled sweep on one of them only, sweeps never overlap, and when
 * the node that swept dies the other takes the schedule over.
 */
class ClusteredSweepIT {

	private static final String EVERY_TWO_SECONDS = "--tenantforge.sweep.cron=0/2 * * * * ?";

	private static final String FAST_CHECKIN = "--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000";

	private final JdbcTemplate database = ControlPlaneProcess.controlPlaneDatabase();

	@Test
	void eachScheduledSweepRunsOnceAcrossTwoNodesAndTheSurvivorTakesOver() {
		ControlPlaneProcess.purge(); // makes sure both databases exist
		try (ControlPlaneProcess first = ControlPlaneProcess.startNode(0, EVERY_TWO_SECONDS, FAST_CHECKIN);
				ControlPlaneProcess second = ControlPlaneProcess.startNode(1, EVERY_TWO_SECONDS, FAST_CHECKIN)) {
			Instant since = Instant.now();
			await().atMost(Duration.ofSeconds(60))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> scheduledSweeps(since).size() >= 10);

			List<Map<String, Object>> sweeps = scheduledSweeps(since);
			assertThat(sweeps).extracting(s -> s.get("outcome")).containsOnly("done");
			assertThat(sweeps).extracting(s -> s.get("scheduled_at")).doesNotHaveDuplicates();
			for (int i = 1; i < sweeps.size(); i++) {
				Timestamp previousEnd = (Timestamp) sweeps.get(i - 1).get("finished_at");
				Timestamp start = (Timestamp) sweeps.get(i).get("started_at");
				assertThat(start).as("sweep %s starts after sweep %s ended", i, i - 1).isAfterOrEqualTo(previousEnd);
			}
			String newest = first.get("/api/v1/fleet/health").orElseThrow().body();
			assertThat(newest).contains("\"sweptAt\"");

			String lastInstance = (String) sweeps.get(sweeps.size() - 1).get("instance");
			ControlPlaneProcess sweeper = lastInstance.startsWith(first.pid() + "@") ? first : second;
			ControlPlaneProcess survivor = sweeper == first ? second : first;
			sweeper.kill();
			Instant killed = Instant.now();
			await().atMost(Duration.ofSeconds(45))
				.pollInterval(Duration.ofMillis(500))
				.until(() -> scheduledSweeps(killed).stream()
					.filter(s -> "done".equals(s.get("outcome")))
					.count() >= 3);
			assertThat(scheduledSweeps(killed)).extracting(s -> (String) s.get("instance"))
				.allSatisfy(instance -> assertThat(instance).startsWith(survivor.pid() + "@"));
		}
	}

	private List<Map<String, Object>> scheduledSweeps(Instant since) {
		return database
			.queryForList(
					"SELECT instance, scheduled_at, started_at, finished_at, outcome FROM fleet_sweeps "
							+ "WHERE trigger = 'schedule' AND started_at >= ? ORDER BY started_at",
					Timestamp.from(since));
	}

}
