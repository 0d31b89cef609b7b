package io.tenantforge.process;

import static io.tenantforge.support.LocalSwarm.docker;
import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.LocalSwarm;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole lifecycle with {@code tenantforge.runtime.driver=swarm} on a single-node
 * swarm of the machine's engine ({@code docker swarm init --advertise-addr 127.0.0.1}),
 * the packaged control plane driving it: the tenant is a one-replica service on the host
 * network serving {@code /health} on 127.0.0.1, its secrets Docker secrets; suspend
 * scales it to 0, resume to 1, a tier change updates the same service, a memory limit or
 * a replica count changed by hand is repaired by the sweep, delete removes service and
 * secrets. The swarm is left as found.
 */
class SwarmLifecycleIT {

	private static final String TENANT = "swarm-life";

	private static final String SERVICE = "tenant-" + TENANT;

	/** A tenant of a tier that needs a node label the swarm's one node lacks at first. */
	private static final String WAITING = "swarm-wait";

	/** Labelled as tenantforge's, of no tenant: an orphan made by hand. */
	private static final String GHOST = "swarm-ghost";

	private static final Duration STEP = Duration.ofSeconds(90);

	private static final ObjectMapper JSON = new ObjectMapper();

	private static LocalSwarm swarm;

	private static ControlPlaneProcess controlPlane;

	private static ServicePurge purge;

	private static boolean nodeLabelled;

	@BeforeAll
	static void startSwarmAndControlPlane() {
		purge = ControlPlaneProcess.purge();
		purge.purge(TENANT, WAITING);
		swarm = LocalSwarm.join();
		removeLeftovers();
		controlPlane = ControlPlaneProcess.start("--tenantforge.runtime.driver=swarm",
				"--tenantforge.provisioning.maximum-redeliveries=1", "--tenantforge.provisioning.retry-backoff=1s",
				"--tenantforge.provisioning.retry-backoff-cap=3s",
				// basic's resources, on nodes labelled tier=enterprise only
				"--tenantforge.tiers.dedicated.cpus=0.5", "--tenantforge.tiers.dedicated.memory=64MB",
				"--tenantforge.tiers.dedicated.cpu-reservation=0.1",
				"--tenantforge.tiers.dedicated.memory-reservation=32MB", "--tenantforge.tiers.dedicated.pids-limit=64",
				"--tenantforge.tiers.dedicated.postgres-connection-limit=5",
				"--tenantforge.tiers.dedicated.postgres-statement-timeout=15s",
				"--tenantforge.tiers.dedicated.health-start-period=20s",
				"--tenantforge.tiers.dedicated.node-labels.tier=enterprise");
	}

	@AfterAll
	static void leaveAsFound() {
		try {
			if (controlPlane != null) {
				controlPlane.close();
			}
			removeLeftovers();
			if (purge != null) {
				purge.purge(TENANT, WAITING);
			}
			if (nodeLabelled) {
				docker("node", "update", "--label-rm", "tier", nodeId());
			}
		}
		finally {
			if (swarm != null) {
				swarm.close();
			}
		}
	}

	@Test
	void aTenantLivesItsWholeLifeAsASwarmService() throws Exception {
		assertThat(controlPlane.post("/api/v1/tenants", anOrder().withName("Swarm life").withSubdomain(TENANT).build())
			.statusCode()).isEqualTo(202);
		awaitStatus("ACTIVE");
		JsonNode service = service();
		String id = service.path("ID").asText();
		JsonNode spec = service.path("Spec");
		assertThat(spec.path("Labels").path("io.tenantforge.tenant").asText()).isEqualTo(TENANT);
		assertThat(spec.path("Labels").path("io.tenantforge.managed-by").asText()).isEqualTo("tenantforge");
		assertThat(spec.path("Mode").path("Replicated").path("Replicas").asInt()).isEqualTo(1);
		JsonNode resources = spec.path("TaskTemplate").path("Resources");
		assertThat(resources.path("Limits").path("MemoryBytes").asLong()).isEqualTo(64L * 1024 * 1024);
		assertThat(resources.path("Limits").path("NanoCPUs").asLong()).isEqualTo(500_000_000L);
		assertThat(resources.path("Limits").path("Pids").asLong()).isEqualTo(64);
		assertThat(resources.path("Reservations").path("MemoryBytes").asLong()).isEqualTo(32L * 1024 * 1024);
		assertThat(resources.path("Reservations").path("NanoCPUs").asLong()).isEqualTo(100_000_000L);
		JsonNode container = spec.path("TaskTemplate").path("ContainerSpec");
		assertThat(container.path("ReadOnly").asBoolean()).isTrue();
		// the engine writes the health check back as "Healthcheck"
		assertThat(container.path("Healthcheck").path("Test").toString()).contains("/health");
		assertThat(spec.path("TaskTemplate").path("RestartPolicy").path("Condition").asText()).isEqualTo("any");
		// secrets: Docker secrets mounted as the same files the docker driver writes,
		// never environment values
		List<String> files = container.path("Secrets").findValuesAsText("Name");
		assertThat(files).containsExactlyInAnyOrder("database_password", "redis_password", "health_token");
		container.path("Secrets").forEach(s -> assertThat(s.path("File").path("Mode").asInt()).isEqualTo(0400));
		assertThat(container.path("Env").toString()).contains("DATABASE_PASSWORD_FILE=/run/secrets/database_password")
			.doesNotContain("DATABASE_PASSWORD=")
			.doesNotContain("REDIS_PASSWORD=");
		assertThat(container.path("Mounts").toString()).doesNotContain("\"bind\"");
		assertThat(tenantSecrets()).hasSize(3);
		// the task runs with the tier's pids limit (the engine enforces it in the
		// container)
		String task = docker("ps", "-q", "--filter", "label=io.tenantforge.service=" + SERVICE).strip();
		assertThat(
				docker("inspect", "--format", "{{.HostConfig.PidsLimit}} {{.HostConfig.ReadonlyRootfs}}", task).strip())
			.isEqualTo("64 true");

		// suspend = scale to 0, resume = 1
		assertThat(controlPlane.post("/api/v1/tenants/" + TENANT + "/suspend", "").statusCode()).isEqualTo(202);
		awaitStatus("SUSPENDED");
		assertThat(service().path("Spec").path("Mode").path("Replicated").path("Replicas").asInt()).isZero();
		assertThat(controlPlane.post("/api/v1/tenants/" + TENANT + "/resume", "").statusCode()).isEqualTo(202);
		awaitStatus("ACTIVE");
		assertThat(service().path("Spec").path("Mode").path("Replicated").path("Replicas").asInt()).isEqualTo(1);

		// tier change: the same service, updated
		assertThat(controlPlane.patch("/api/v1/tenants/" + TENANT, "{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> tenant().contains("\"tier\":\"pro\"") && "ACTIVE".equals(controlPlane.status(TENANT))
					&& memoryLimit() == 128L * 1024 * 1024);
		assertThat(service().path("ID").asText()).isEqualTo(id);
		assertThat(service().path("Spec").path("TaskTemplate").path("Resources").path("Limits").path("Pids").asLong())
			.isEqualTo(128);

		// drift: a memory limit changed by hand is put back by the sweep, through the
		// reconciler
		docker("service", "update", "--detach", "--limit-memory", "96m", SERVICE);
		assertThat(memoryLimit()).isEqualTo(96L * 1024 * 1024);
		// the engine replaces the task (stop-first): the sweep is to see the new one
		// running with the wrong limit
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> docker("service", "ps", SERVICE, "--filter", "desired-state=running", "--format",
					"{{.CurrentState}}")
				.strip()
				.matches("(Running|Starting).*"));
		assertThat(controlPlane.post("/api/v1/fleet/sweep", "").body()).contains(TENANT).contains("limits drifted");
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> memoryLimit() == 128L * 1024 * 1024 && "ACTIVE".equals(controlPlane.status(TENANT)));

		// drift: scaled to 0 by hand, scaled back by the repair
		docker("service", "scale", "--detach", SERVICE + "=0");
		await().atMost(STEP).pollInterval(Duration.ofMillis(500)).until(() -> {
			controlPlane.post("/api/v1/fleet/sweep", "");
			return replicas() == 1 && "ACTIVE".equals(controlPlane.status(TENANT));
		});
		assertThat(service().path("ID").asText()).isEqualTo(id);

		// a task that keeps failing (its start-up refuses PORT=0): the sweep sees it, the
		// reconciler puts the spec back
		docker("service", "update", "--detach", "--env-add", "PORT=0", SERVICE);
		List<String> seen = new java.util.ArrayList<>();
		await().atMost(STEP).pollInterval(Duration.ofSeconds(1)).until(() -> {
			String report = controlPlane.post("/api/v1/fleet/sweep", "").body();
			if (report.contains("\"tenantId\":\"" + TENANT + "\"")) {
				seen.add(report);
			}
			return !seen.isEmpty() && "ACTIVE".equals(controlPlane.status(TENANT))
					&& !service().path("Spec").toString().contains("PORT=0");
		});
		// what the sweep saw: the task not running (its state and the engine's error), or
		// failing again and again
		assertThat(seen.get(0)).containsPattern(
				"task (starting|preparing|ready|failed|rejected|pending|assigned)" + "|failed tasks|non-zero exit");

		// services and secrets labelled as tenantforge's of no tenant are orphans,
		// reported and left alone
		java.nio.file.Path content = java.nio.file.Files
			.writeString(java.nio.file.Path.of("target/" + GHOST + "-secret").toAbsolutePath(), "not a tenant's");
		docker("secret", "create", "--label", "io.tenantforge.managed-by=tenantforge", "--label",
				"io.tenantforge.tenant=" + GHOST, "tenant-" + GHOST + "-s", content.toString());
		docker("service", "create", "--detach", "--name", "tenant-" + GHOST, "--label",
				"io.tenantforge.managed-by=tenantforge", "--label", "io.tenantforge.tenant=" + GHOST, "--replicas", "0",
				"tenantforge/tenant-smoke:dev");
		String report = controlPlane.post("/api/v1/fleet/sweep", "").body();
		assertThat(report).contains("\"kind\":\"container\",\"name\":\"tenant-" + GHOST + "\"")
			.contains("\"kind\":\"swarm-secret\",\"name\":\"tenant-" + GHOST + "-s\"");
		assertThat(docker("service", "ls", "-q", "--filter", "name=tenant-" + GHOST).strip()).isNotEmpty();

		// the tenant JSON says which node the tenant runs on (as the newest sweep saw it)
		assertThat(tenant()).containsPattern("\"node\":\"[^\"]+ \\([0-9a-z]{12}\\)\"");

		// delete: the service and its secrets go
		assertThat(controlPlane.delete("/api/v1/tenants/" + TENANT).statusCode()).isEqualTo(202);
		awaitStatus("DELETED");
		assertThat(docker("service", "ls", "-q", "--filter", "name=" + SERVICE).strip()).isEmpty();
		assertThat(tenantSecrets()).isEmpty();
	}

	@Test
	void aTenantWhoseTierNoNodeQualifiesForWaitsPendingUntilOneDoes() {
		assertThat(controlPlane
			.post("/api/v1/tenants",
					anOrder().withName("Swarm wait").withSubdomain(WAITING).withTier("dedicated").build())
			.statusCode()).isEqualTo(202);
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "PENDING".equals(controlPlane.status(WAITING)) && tenant(WAITING).contains("NoSuitableNode"));
		assertThat(tenant(WAITING)).contains("no suitable node");

		// a node qualifies: the tenant is placed there and becomes ACTIVE without anyone
		// asking again
		nodeLabelled = true;
		docker("node", "update", "--label-add", "tier=enterprise", nodeId());
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "ACTIVE".equals(controlPlane.status(WAITING)));

		assertThat(controlPlane.delete("/api/v1/tenants/" + WAITING).statusCode()).isEqualTo(202);
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> "DELETED".equals(controlPlane.status(WAITING)));
		assertThat(docker("service", "ls", "-q", "--filter", "name=tenant-" + WAITING).strip()).isEmpty();
	}

	private static void awaitStatus(String status) {
		await().atMost(STEP)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> status.equals(controlPlane.status(TENANT)));
	}

	private static String tenant(String id) {
		return controlPlane.get("/api/v1/tenants/" + id).map(r -> r.body()).orElse("");
	}

	private static String nodeId() {
		return docker("info", "--format", "{{.Swarm.NodeID}}").strip();
	}

	private static String tenant() {
		return controlPlane.get("/api/v1/tenants/" + TENANT).map(r -> r.body()).orElse("");
	}

	private static JsonNode service() throws Exception {
		return JSON.readTree(docker("service", "inspect", SERVICE)).path(0);
	}

	private static long memoryLimit() throws Exception {
		return service().path("Spec")
			.path("TaskTemplate")
			.path("Resources")
			.path("Limits")
			.path("MemoryBytes")
			.asLong();
	}

	private static int replicas() throws Exception {
		return service().path("Spec").path("Mode").path("Replicated").path("Replicas").asInt();
	}

	private static List<String> tenantSecrets() {
		return docker("secret", "ls", "-q", "--filter", "label=io.tenantforge.tenant=" + TENANT).lines()
			.filter(l -> !l.isBlank())
			.toList();
	}

	/**
	 * Services and secrets of this test's tenants that an earlier, killed run (or a
	 * failed test) left.
	 */
	private static void removeLeftovers() {
		for (String tenant : List.of(TENANT, WAITING, GHOST)) {
			String service = "tenant-" + tenant;
			if (!docker("service", "ls", "-q", "--filter", "name=" + service).isBlank()) {
				docker("service", "rm", service);
			}
			await().atMost(Duration.ofSeconds(30))
				.until(() -> docker("ps", "-aq", "--filter", "label=io.tenantforge.service=" + service).isBlank());
			for (String secret : docker("secret", "ls", "-q", "--filter", "label=io.tenantforge.tenant=" + tenant)
				.lines()
				.filter(l -> !l.isBlank())
				.toList()) {
				docker("secret", "rm", secret);
			}
		}
	}

}
