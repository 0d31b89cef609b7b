package io.tenantforge.rollout;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

import io.tenantforge.routing.RoutingProperties;
import io.tenantforge.runtime.ContainerSpecs;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.RouterClient;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.TenantVersions.Version;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Rollouts over real tenants: real containers of the smoke images v1-v4
 * ({@code docker/tenant-smoke/build.sh}), real tenant schemas migrated by Flyway, and
 * every customer request through the test context's own router (Caddy) with the
 * certificate verified.
 */
@IntegrationTest
class RolloutTest {

	private static final Duration PROVISION = Duration.ofSeconds(90);

	private static final Duration ROLLOUT = Duration.ofSeconds(150);

	private static final String V1 = "tenantforge/tenant-smoke:v1";

	private static final String V2 = "tenantforge/tenant-smoke:v2";

	private static final String V3 = "tenantforge/tenant-smoke:v3";

	private static final String V4 = "tenantforge/tenant-smoke:v4";

	/** Ordered in this order: the pro tenant first (oldest), then the basic ones. */
	private static final List<String> FLEET = List.of("rollf", "rolla", "rollb", "rollc", "rolld", "rolle");

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	TenantVersions versions;

	@Autowired
	RoutingProperties routing;

	@Autowired
	DockerClient docker;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry registry;

	private RouterClient client;

	@BeforeEach
	void cleanSlate() {
		endActiveRollouts();
		fixtures.purge(FLEET.toArray(String[]::new));
		client = new RouterClient(routing.process().rootCertificate(), routing.listenPort());
		// tenants of other tests that may still be there are not this test's to upgrade
		for (String other : fixtures.controlPlaneDatabase()
			.queryForList("SELECT tenant_id FROM tenant_versions", String.class)) {
			if (!FLEET.contains(other)) {
				versions.pin(other, true);
			}
		}
	}

	@AfterEach
	void clean() {
		endActiveRollouts();
		versions.resetCurrent();
		FLEET.forEach(slug -> fixtures.awaitSettled(slug, PROVISION));
		fixtures.purge(FLEET.toArray(String[]::new));
	}

	@Test
	void v1ToV2InWavesUpgradesEveryTenantOnceWithNoFailedRequestThroughTheRouter() throws Exception {
		fleetAt(new Version(V1, "1"), FLEET);
		double doneBefore = upgrades("done");
		for (String slug : FLEET) {
			assertThat(imageOf(slug)).isEqualTo(V1);
			assertThat(client.get(host(slug), "/version").body()).isEqualTo("v1");
		}

		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger ok = new AtomicInteger();
		List<String> failures = Collections.synchronizedList(new ArrayList<>());
		Instant until = Instant.now().plus(Duration.ofSeconds(180));
		CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 40_000 && !stop.get() && Instant.now().isBefore(until); i++) {
				String slug = FLEET.get(i % FLEET.size());
				try {
					RouterClient.Answer answer = client.get(host(slug), "/health");
					if (answer.status() == 200) {
						ok.incrementAndGet();
					}
					else {
						failures.add(slug + ": " + answer.status() + " " + answer.body());
					}
				}
				catch (java.io.IOException e) {
					failures.add(slug + ": " + e);
				}
			}
		});
		await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= 30);

		HttpResponse<String> started = startRollout(V2, "2", "[\"1\",\"50%\",\"100%\"]", 1);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		JsonNode rollout = api.read(started.body());
		String location = started.headers().firstValue("Location").orElseThrow();
		assertThat(location).isEqualTo("/api/v1/fleet/rollouts/" + rollout.get("id").asLong());
		// the canary: lowest tier first, then oldest; waves cumulative (1, then 50% = 3,
		// then all 6)
		assertThat(rollout.get("canaryRule").asText()).contains("lowest tier first");
		assertThat(rollout.get("progress").get(0).get("tenants").findValuesAsText("id")).containsExactly("rolla");
		assertThat(rollout.get("progress").get(1).get("tenants").findValuesAsText("id")).containsExactly("rollb",
				"rollc");
		assertThat(rollout.get("progress").get(2).get("tenants").findValuesAsText("id")).containsExactly("rolld",
				"rolle", "rollf");
		// one at a time
		HttpResponse<String> second = startRollout(V2, "2", "[\"100%\"]", 1);
		assertThat(second.statusCode()).isEqualTo(409);

		JsonNode done = awaitState(location, "COMPLETED");
		stop.set(true);
		load.get(100, TimeUnit.SECONDS);

		assertThat(failures).as("answers other than 200 through the router during the rollout").isEmpty();
		assertThat(ok.get()).isGreaterThanOrEqualTo(60);
		assertThat(done.get("upgraded").asInt()).isEqualTo(6);
		assertThat(done.get("failed").asInt()).isZero();
		for (String slug : FLEET) {
			assertThat(imageOf(slug)).as(slug).isEqualTo(V2);
			assertThat(containersOf(slug)).as("containers of %s", slug).containsExactly("tenant-" + slug);
			assertThat(client.get(host(slug), "/version").body()).as(slug).isEqualTo("v2");
			assertThat(versions.find(slug).orElseThrow().version()).isEqualTo(new Version(V2, "2"));
			String schema = "tenant_" + slug;
			assertThat(fixtures.tenantsDatabase()
				.queryForObject("SELECT count(*) FROM " + schema + ".flyway_schema_history WHERE version = '2' "
						+ "AND success", Long.class))
				.as("V2 applied once to %s", schema)
				.isEqualTo(1);
			assertThat(
					fixtures.tenantsDatabase()
						.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND "
								+ "table_name = 'customers' AND column_name = 'notes'", Long.class, schema))
				.isEqualTo(1);
			assertThat(api.tenant(slug).get("status").asText()).isEqualTo("ACTIVE");
		}
		assertThat(upgrades("done") - doneBefore).as("tenantforge_rollout_upgrades_total{outcome=done}").isEqualTo(6);
		JsonNode ledger = api.read(api.get("/api/v1/fleet/versions").body());
		assertThat(ledger.get("current").get("image").asText()).isEqualTo(V2);
		assertThat(ledger.get("current").get("schemaVersion").asText()).isEqualTo("2");
	}

	@Test
	void aCanaryThatFailsItsHealthCheckComesBackOnTheOldVersionAndTheRolloutHalts() throws Exception {
		fleetAt(new Version(V2, "2"), FLEET);
		Map<String, String> containerIds = new HashMap<>();
		Map<String, Integer> ports = new HashMap<>();
		for (String slug : FLEET) {
			containerIds.put(slug, docker.inspectContainerCmd("tenant-" + slug).exec().getId());
			ports.put(slug, fixtures.controlPlaneDatabase()
				.queryForObject("SELECT port FROM tenants WHERE id = ?", Integer.class, slug));
		}

		HttpResponse<String> started = startRollout(V3, "2", "[\"1\",\"50%\",\"100%\"]", 1);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		JsonNode halted = awaitState(started.headers().firstValue("Location").orElseThrow(), "HALTED");

		JsonNode canary = halted.get("progress").get(0).get("tenants").get(0);
		assertThat(canary.get("id").asText()).isEqualTo("rolla");
		assertThat(canary.get("step").asText()).isEqualTo("FAILED");
		assertThat(canary.get("reason").asText()).contains("did not become healthy");
		assertThat(halted.get("reason").asText()).contains("rolla");
		// the canary: back on its v2 container, serving, held with the reason
		assertThat(containersOf("rolla")).containsExactly("tenant-rolla");
		assertThat(imageOf("rolla")).isEqualTo(V2);
		assertThat(docker.inspectContainerCmd("tenant-rolla").exec().getId()).isEqualTo(containerIds.get("rolla"));
		assertThat(client.get(host("rolla"), "/version").body()).isEqualTo("v2");
		assertThat(versions.find("rolla").orElseThrow().version()).isEqualTo(new Version(V2, "2"));
		assertThat(versions.find("rolla").orElseThrow().heldReason()).contains("did not become healthy");
		// the other five untouched
		for (String slug : FLEET.subList(0, 1)) {
			assertUntouched(slug, containerIds, ports);
		}
		for (String slug : FLEET.subList(2, FLEET.size())) {
			assertUntouched(slug, containerIds, ports);
		}
		for (JsonNode wave : List.of(halted.get("progress").get(1), halted.get("progress").get(2))) {
			assertThat(wave.get("tenants").findValuesAsText("step")).containsOnly("PENDING");
		}
		assertThat(versions.current()).as("a halted rollout does not become the fleet's version")
			.isEqualTo(new Version(null, "1"));
	}

	@Test
	void aSchemaOnlyRolloutMigratesEveryTenantAndRestartsNoContainer() throws Exception {
		List<String> fleet = FLEET.subList(0, 3);
		fleetAt(new Version(V1, "1"), fleet);
		Map<String, String> containerIds = new HashMap<>();
		for (String slug : fleet) {
			containerIds.put(slug, docker.inspectContainerCmd("tenant-" + slug).exec().getId());
		}

		// the image every tenant runs already, at a newer schema: expand-only
		// migrations, so the running containers serve on through it
		HttpResponse<String> started = startRollout(V1, "2", "[\"1\",\"100%\"]", 1, 3);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		JsonNode done = awaitState(started.headers().firstValue("Location").orElseThrow(), "COMPLETED");

		assertThat(done.get("upgraded").asInt()).isEqualTo(3);
		for (String slug : fleet) {
			assertThat(docker.inspectContainerCmd("tenant-" + slug).exec().getId()).as(slug)
				.isEqualTo(containerIds.get(slug));
			assertThat(containersOf(slug)).as(slug).containsExactly("tenant-" + slug);
			assertThat(versions.find(slug).orElseThrow().version()).isEqualTo(new Version(V1, "2"));
			assertThat(
					fixtures.tenantsDatabase()
						.queryForObject("SELECT count(*) FROM tenant_" + slug
								+ ".flyway_schema_history WHERE version = '2' " + "AND success", Long.class))
				.as("V2 applied once to %s", slug)
				.isEqualTo(1);
			assertThat(client.get(host(slug), "/version").body()).as(slug).isEqualTo("v1");
		}
		assertThat(versions.current()).isEqualTo(new Version(V1, "2"));
	}

	@Test
	void anImageNeedingANewerSchemaThanTheTargetIsRefusedBeforeAnyContainerStarts() {
		fleetAt(new Version(V2, "2"), FLEET.subList(0, 2));
		HttpResponse<String> refused = startRollout(V4, "2", "[\"1\",\"100%\"]", 1);
		assertThat(refused.statusCode()).isEqualTo(400);
		JsonNode errors = api.read(refused.body()).get("errors");
		assertThat(errors.findValuesAsText("field")).containsExactly("schemaVersion");
		assertThat(errors.get(0).get("message").asText()).contains("needs tenant schema 3");
		assertThat(docker.listContainersCmd().withShowAll(true).withAncestorFilter(List.of(V4)).exec()).isEmpty();
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject(
					"SELECT count(*) FROM rollouts WHERE image = ? AND created_at > now() - interval '1 minute'",
					Long.class, V4))
			.isZero();
	}

	@Test
	void aPausedRolloutStartsNoFurtherTenantAndAnAbortedOneLeavesEveryTenantOnOneContainer() {
		List<String> fleet = FLEET.subList(0, 4);
		fleetAt(new Version(V1, "1"), fleet);
		// one at a time, so pausing and aborting find tenants not started yet
		HttpResponse<String> started = startRollout(V2, "2", "[\"1\",\"100%\"]", 1, 1);
		assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
		String location = started.headers().firstValue("Location").orElseThrow();

		HttpResponse<String> paused = api.post(location + "/pause", "");
		assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
		assertThat(api.read(paused.body()).get("state").asText()).isEqualTo("PAUSED");
		assertThat(api.post(location + "/pause", "").statusCode()).isEqualTo(409);
		// a tenant already in progress finishes its steps; then nothing moves while
		// paused
		await().atMost(ROLLOUT).until(() -> inProgress(location) == 0);
		List<String> whilePaused = steps(location);
		assertThat(whilePaused.stream().filter("DONE"::equals).count()).isLessThanOrEqualTo(1);
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> steps(location), whilePaused::equals);

		HttpResponse<String> resumed = api.post(location + "/resume", "");
		assertThat(api.read(resumed.body()).get("state").asText()).isEqualTo("RUNNING");
		long before = whilePaused.stream().filter("DONE"::equals).count();
		await().atMost(ROLLOUT).until(() -> api.read(api.get(location).body()).get("upgraded").asLong() > before);
		HttpResponse<String> aborted = api.post(location + "/abort", "");
		assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(200);
		assertThat(api.read(aborted.body()).get("state").asText()).isEqualTo("ABORTED");
		assertThat(api.post(location + "/resume", "").statusCode()).isEqualTo(409);
		await().atMost(ROLLOUT).until(() -> inProgress(location) == 0);
		List<String> afterAbort = steps(location);
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(3))
			.until(() -> steps(location), afterAbort::equals);

		assertThat(afterAbort).isSubsetOf("DONE", "PENDING").contains("PENDING");
		JsonNode rollout = api.read(api.get(location).body());
		for (JsonNode wave : rollout.get("progress")) {
			for (JsonNode tenant : wave.get("tenants")) {
				String slug = tenant.get("id").asText();
				boolean done = tenant.get("step").asText().equals("DONE");
				assertThat(containersOf(slug)).as(slug).containsExactly("tenant-" + slug);
				assertThat(imageOf(slug)).as(slug).isEqualTo(done ? V2 : V1);
				assertThat(versions.find(slug).orElseThrow().version()).as(slug)
					.isEqualTo(done ? new Version(V2, "2") : new Version(V1, "1"));
				assertThat(api.tenant(slug).get("status").asText()).isEqualTo("ACTIVE");
			}
		}
		assertThat(versions.current()).as("an aborted rollout does not become the fleet's version")
			.isEqualTo(new Version(null, "1"));
	}

	/** Every tenant's step, in rollout order. */
	private List<String> steps(String location) {
		return api.read(api.get(location).body()).findValuesAsText("step");
	}

	/** Tenants of the rollout between PENDING and a final step. */
	private long inProgress(String location) {
		return api.read(api.get(location).body())
			.findValuesAsText("step")
			.stream()
			.filter(step -> !List.of("PENDING", "DONE", "FAILED", "SKIPPED").contains(step))
			.count();
	}

	@Test
	void invalidRolloutsAreRefusedNamingTheField() {
		assertThat(field(startRollout(V2, "2", "[\"1\",\"abc\",\"100%\"]", 1))).containsExactly("waves[1]");
		assertThat(field(startRollout(V2, "2", "[\"1\",\"50%\"]", 1))).containsExactly("waves[1]");
		assertThat(field(startRollout(V2, "99", "[\"100%\"]", 1))).containsExactly("schemaVersion");
		assertThat(field(startRollout("Not An Image!", "2", "[\"100%\"]", 1))).containsExactly("image");
		assertThat(field(startRollout("tenantforge/no-such-image:v9", "2", "[\"100%\"]", 1))).containsExactly("image");
		assertThat(field(startRollout(V2, "2", "[\"100%\"]", 0))).containsExactly("failureThreshold");
		assertThat(api.get("/api/v1/fleet/rollouts/999999999").statusCode()).isEqualTo(404);
	}

	private List<String> field(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		return api.read(response.body()).get("errors").findValuesAsText("field");
	}

	private void assertUntouched(String slug, Map<String, String> containerIds, Map<String, Integer> ports)
			throws Exception {
		assertThat(docker.inspectContainerCmd("tenant-" + slug).exec().getId()).as(slug)
			.isEqualTo(containerIds.get(slug));
		assertThat(containersOf(slug)).as(slug).containsExactly("tenant-" + slug);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT port FROM tenants WHERE id = ?", Integer.class, slug)).isEqualTo(ports.get(slug));
		assertThat(versions.find(slug).orElseThrow().version()).isEqualTo(new Version(V2, "2"));
		assertThat(versions.find(slug).orElseThrow().heldReason()).isNull();
		assertThat(client.get(host(slug), "/version").body()).isEqualTo("v2");
	}

	/**
	 * Orders the tenants with {@code version} as the fleet's current one, and waits until
	 * they are ACTIVE.
	 */
	private void fleetAt(Version version, List<String> slugs) {
		versions.setCurrent(version);
		for (String slug : slugs) {
			String tier = slug.equals("rollf") ? "pro" : "basic";
			assertThat(api.postOrder(anOrder().withName("Rollout " + slug).withSubdomain(slug).withTier(tier).build())
				.statusCode()).isEqualTo(202);
			// created one after the other: their age decides the canary order within a
			// tier
			await().atMost(PROVISION)
				.until(() -> fixtures.controlPlaneDatabase()
					.queryForObject("SELECT count(*) FROM tenants WHERE id = ?", Long.class, slug) == 1);
		}
		for (String slug : slugs) {
			fixtures.awaitStatus(slug, TenantStatus.ACTIVE, PROVISION);
		}
		versions.resetCurrent();
	}

	private HttpResponse<String> startRollout(String image, String schema, String waves, int failureThreshold) {
		return startRollout(image, schema, waves, failureThreshold, 2);
	}

	private HttpResponse<String> startRollout(String image, String schema, String waves, int failureThreshold,
			int maxUnavailable) {
		return api.post("/api/v1/fleet/rollouts",
				"{\"image\":\"" + image + "\",\"schemaVersion\":\"" + schema + "\",\"waves\":" + waves
						+ ",\"maxUnavailable\":" + maxUnavailable + ",\"failureThreshold\":" + failureThreshold + "}");
	}

	private JsonNode awaitState(String location, String state) {
		await().atMost(ROLLOUT)
			.pollInterval(Duration.ofMillis(250))
			.until(() -> api.read(api.get(location).body()).get("state").asText(),
					s -> s.equals(state) || !s.equals("RUNNING"));
		JsonNode rollout = api.read(api.get(location).body());
		assertThat(rollout.get("state").asText()).as(rollout.toString()).isEqualTo(state);
		return rollout;
	}

	private String imageOf(String slug) {
		return docker.inspectContainerCmd("tenant-" + slug).exec().getConfig().getImage();
	}

	/** Names of every container labelled as the tenant's, running or not. */
	private List<String> containersOf(String slug) {
		return docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of(ContainerSpecs.LABEL_TENANT, slug))
			.exec()
			.stream()
			.map(Container::getNames)
			.map(names -> names[0].replaceFirst("^/", ""))
			.toList();
	}

	private double upgrades(String outcome) {
		io.micrometer.core.instrument.Counter counter = registry.find("tenantforge.rollout.upgrades")
			.tag("outcome", outcome)
			.counter();
		return counter == null ? 0 : counter.count();
	}

	private static String host(String slug) {
		return slug + ".tenants.test";
	}

	private void endActiveRollouts() {
		fixtures.controlPlaneDatabase()
			.update("UPDATE rollouts SET state = 'ABORTED', reason = 'test clean-up', finished_at = now() "
					+ "WHERE state IN ('RUNNING', 'PAUSED')");
	}

}
