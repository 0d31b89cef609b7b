package io.tenantforge.operate;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.Outage;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What an operator watches: Prometheus metrics after a provisioning, the OpenAPI
 * document, the tenant id on log lines, and health that goes DOWN naming the part when
 * Redis or the Docker engine stops (the machine's real ones), and UP again.
 */
@IntegrationTest
class ObservabilityTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Test
	void provisioningShowsUpInPrometheusAndInTheLog() throws IOException {
		fixtures.purge("observed");
		api.postOrder(anOrder().withName("Observed").withSubdomain("observed").build());
		fixtures.awaitStatus("observed", TenantStatus.ACTIVE, Duration.ofSeconds(60));

		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(prometheus())
				.containsPattern("tenantforge_tenants\\{status=\"ACTIVE\",tier=\"basic\"\\} [1-9]"));
		String metrics = prometheus();
		assertThat(metrics)
			.containsPattern("tenantforge_orders_total\\{channel=\"rest\",outcome=\"accepted\"\\} [1-9]");
		for (String step : new String[] { "database", "cache", "container", "health" }) {
			assertThat(metrics)
				.containsPattern("tenantforge_provisioning_step_seconds_bucket\\{[^}]*outcome=\"success\"," + "step=\""
						+ step + "\"");
		}
		assertThat(metrics).contains("camel_exchanges_total{", "routeId=\"provisioning-reconcile\"");

		assertThat(api.post("/api/v1/fleet/sweep", "").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(prometheus())
				.containsPattern("tenantforge_sweep_seconds_count(\\{[^}]*\\})? [1-9]")
				.containsPattern("tenantforge_sweep_seconds_bucket\\{")
				.containsPattern("tenantforge_sweep_repairs_total\\{action=\"reconcile\"[^}]*\\} \\d")
				.containsPattern("tenantforge_sweep_repairs_total\\{action=\"restart\"[^}]*\\} \\d")
				.containsPattern("tenantforge_sweep_restarts_total(\\{[^}]*\\})? \\d")
				.containsPattern("tenantforge_sweep_orphans\\{kind=\"container\"[^}]*\\} \\d")
				.containsPattern("tenantforge_sweep_degraded(\\{[^}]*\\})? \\d")
				.containsPattern("tenantforge_sweep_last_finished_seconds(\\{[^}]*\\})? [1-9]"));
		api.postOrder(anOrder().withSubdomain("Not Valid").build());
		assertThat(prometheus())
			.containsPattern("tenantforge_orders_total\\{channel=\"rest\",outcome=\"rejected\"\\} [1-9]");
		assertThat(Files.readAllLines(Path.of("target/test-app.log")))
			.anySatisfy(line -> assertThat(line).contains("[tenant=observed", "Tenant observed is ACTIVE"));
		fixtures.purge("observed");
	}

	@Test
	void openApiDocumentDescribesTheRestContract() {
		JsonNode document = api
			.read(api.requestAs("viewer", "viewer-password", "GET", "/api/v1/openapi.json", null).body());

		JsonNode paths = document.path("paths");
		assertThat(document.path("info").path("title").asText()).isEqualTo("tenantforge");
		assertThat(document.path("servers").path(0).path("url").asText()).isEqualTo("/api/v1");
		assertThat(paths.path("/tenants").has("get")).isTrue();
		assertThat(paths.path("/tenants").has("post")).isTrue();
		assertThat(paths.path("/tenants/{id}").has("get")).isTrue();
		assertThat(paths.path("/tenants/{id}").has("patch")).isTrue();
		assertThat(paths.path("/tenants/{id}").has("delete")).isTrue();
		assertThat(paths.path("/tenants/{id}/suspend").has("post")).isTrue();
		assertThat(paths.path("/tenants/{id}/resume").has("post")).isTrue();
	}

	@Test
	@Outage
	void healthGoesDownNamingRedisWhenItStopsAndUpWhenItIsBack() throws Exception {
		assertThat(component("redis")).isEqualTo("UP");
		try {
			run("redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave");
			await().atMost(Duration.ofSeconds(30)).until(() -> "DOWN".equals(component("redis")));
			assertThat(readiness()).isEqualTo(503);
		}
		finally {
			run("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", "6379", "--save", "",
					"--appendonly", "no");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(component("redis")));
		assertThat(readiness()).isEqualTo(200);
	}

	@Test
	@Outage
	void healthGoesDownNamingTheDockerEngineWhenItStopsAndUpWhenItIsBack() throws Exception {
		assertThat(component("docker")).isEqualTo("UP");
		try {
			run("pkill", "-x", "dockerd");
			await().atMost(Duration.ofSeconds(60)).until(() -> "DOWN".equals(component("docker")));
			await().atMost(Duration.ofSeconds(60)).until(() -> !dockerdRunning());
			JsonNode docker = health().path("components").path("docker");
			assertThat(docker.path("details").path("error").asText()).contains("Docker engine unreachable");
			assertThat(readiness()).isEqualTo(503);
		}
		finally {
			run("bash", "scripts/services.sh");
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> "UP".equals(component("docker")));
	}

	private String prometheus() {
		return api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).body();
	}

	private JsonNode health() {
		return api.read(api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/health", null).body());
	}

	private String component(String name) {
		return health().path("components").path(name).path("status").asText();
	}

	private int readiness() {
		return api.requestAs(null, null, "GET", "/actuator/health/readiness", null).statusCode();
	}

	private static boolean dockerdRunning() throws IOException, InterruptedException {
		return new ProcessBuilder("pgrep", "-x", "dockerd").start().waitFor() == 0;
	}

	private static void run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(String.join(" ", command) + " did not finish");
		}
	}

}
