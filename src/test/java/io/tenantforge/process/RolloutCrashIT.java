package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash safety of rollouts: the packaged control plane is killed with SIGKILL in the
 * middle of a wave, at two step boundaries of the canary (the test hook
 * {@code tenantforge.rollout.halt-after-step} stops it dead there: once with the new
 * container running beside the old one before the switch, once after the switch before
 * the old one is retired), started again, and the rollout finishes with every tenant on
 * the new image in exactly one container, upgraded once.
 */
class RolloutCrashIT {

	private static final List<String> FLEET = List.of("crasha", "crashb", "crashc");

	private static final String V1 = "tenantforge/tenant-smoke:v1";

	private static final String V2 = "tenantforge/tenant-smoke:v2";

	private static final Duration STEP = Duration.ofSeconds(120);

	private final ServicePurge purge = ControlPlaneProcess.purge();

	private final JdbcTemplate controlPlane = ControlPlaneProcess.controlPlaneDatabase();

	private final JdbcTemplate tenants = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.TENANTS_DB, "postgres", ""));

	private final DockerClient docker = ControlPlaneProcess.docker();

	@BeforeEach
	@AfterEach
	void clean() {
		if (tableExists("rollouts")) {
			controlPlane.update("UPDATE rollouts SET state = 'ABORTED' WHERE state IN ('RUNNING', 'PAUSED')");
			controlPlane.update("DELETE FROM fleet_version");
		}
		purge.purge(FLEET.toArray(String[]::new));
	}

	@Test
	void aRolloutKilledMidWaveFinishesAfterARestartWithEachTenantOnExactlyOneContainer() {
		long rollout;
		try (ControlPlaneProcess first = ControlPlaneProcess.start(halt("SWITCHING"))) {
			controlPlane.update("INSERT INTO fleet_version (id, image, schema_version) VALUES (1, ?, '1') "
					+ "ON CONFLICT (id) DO UPDATE SET image = excluded.image, schema_version = '1'", V1);
			for (String slug : FLEET) {
				assertThat(first.post("/api/v1/tenants", anOrder().withName(slug).withSubdomain(slug).build())
					.statusCode()).isEqualTo(202);
			}
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> FLEET.stream().allMatch(slug -> first.status(slug).equals("ACTIVE")));
			controlPlane.update("DELETE FROM fleet_version");
			var started = first.post("/api/v1/fleet/rollouts", "{\"image\":\"" + V2 + "\",\"schemaVersion\":\"2\","
					+ "\"waves\":[\"1\",\"100%\"],\"maxUnavailable\":1,\"failureThreshold\":1}");
			assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
			rollout = Long.parseLong(started.body().replaceAll("^\\{\"id\":(\\d+),.*", "$1"));
			first.awaitLog("halted at step SWITCHING of tenant crasha", STEP);
			// the new container runs beside the old one, the route has not moved
			assertThat(containersOf("crasha")).containsExactlyInAnyOrder("tenant-crasha", "tenant-crasha-next");
			// a candidate beside the old container is the rollout's, not an orphan
			String report = first.post("/api/v1/fleet/sweep", "").body();
			assertThat(report).contains("\"trigger\":\"manual\"").doesNotContain("tenant-crasha-next");
			first.kill();
		}
		try (ControlPlaneProcess second = ControlPlaneProcess.start(halt("RETIRING"))) {
			second.awaitLog("halted at step RETIRING of tenant crasha", STEP);
			second.kill();
		}
		try (ControlPlaneProcess last = ControlPlaneProcess.start()) {
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> last.get("/api/v1/fleet/rollouts/" + rollout)
					.map(r -> r.body().contains("\"state\":\"COMPLETED\""))
					.orElse(false));
			for (String slug : FLEET) {
				assertThat(containersOf(slug)).as(slug).containsExactly("tenant-" + slug);
				assertThat(docker.inspectContainerCmd("tenant-" + slug).exec().getConfig().getImage()).isEqualTo(V2);
				assertThat(tenants.queryForObject("SELECT count(*) FROM tenant_" + slug
						+ ".flyway_schema_history WHERE version = '2' AND success", Long.class))
					.isEqualTo(1);
				assertThat(controlPlane.queryForObject("SELECT image FROM tenant_versions WHERE tenant_id = ?",
						String.class, slug))
					.isEqualTo(V2);
				assertThat(last.status(slug)).isEqualTo("ACTIVE");
				Integer port = controlPlane.queryForObject("SELECT port FROM tenants WHERE id = ?", Integer.class,
						slug);
				assertThat(docker.inspectContainerCmd("tenant-" + slug).exec().getConfig().getEnv())
					.contains("PORT=" + port);
			}
			assertThat(controlPlane.queryForList("SELECT step FROM rollout_tenants WHERE rollout_id = ?", String.class,
					rollout))
				.containsOnly("DONE")
				.hasSize(3);
		}
	}

	private List<String> containersOf(String slug) {
		return docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("io.tenantforge.tenant", slug))
			.exec()
			.stream()
			.map(Container::getNames)
			.map(names -> names[0].replaceFirst("^/", ""))
			.toList();
	}

	private boolean tableExists(String table) {
		return Boolean.TRUE
			.equals(controlPlane.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table));
	}

	private static String halt(String step) {
		return "--tenantforge.rollout.halt-after-step=" + step;
	}

}
