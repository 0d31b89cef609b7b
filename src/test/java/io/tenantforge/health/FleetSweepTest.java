package io.tenantforge.health;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.command.ExecStartResultCallback;

import io.tenantforge.cache.RedisAdmin;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.runtime.TenantContainerProvisioner;
import io.tenantforge.security.SecretCipher;
import io.tenantforge.security.SecurityProperties;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The fleet health sweep against the real services: drift made by hand is reported by one
 * sweep and repaired by the reconciler; planted orphans are reported, and removed only
 * when enabled and only when the ownership record has them; a container whose health
 * keeps failing is restarted no more often than the budget allows.
 */
@IntegrationTest
class FleetSweepTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final String[] SLUGS = { "drift-a", "drift-b", "flaky", "orphan-host", "ghost-owned", "ghost-kept",
			"wrong-key", "lost-box", "counted" };

	/**
	 * A key other than the test profile's: what a second control plane on the same
	 * database might seal with.
	 */
	private static final String OTHER_KEY = java.util.Base64.getEncoder()
		.encodeToString("another-key-of-thirty-two-bytes!".getBytes(java.nio.charset.StandardCharsets.US_ASCII));

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	TenantDatabaseProperties database;

	@Autowired
	ResourceLedger ledger;

	@Autowired
	SweepProperties sweep;

	@Autowired
	RedisAdmin redis;

	@Autowired
	TenantHealthProbe probe;

	@AfterEach
	void clean() {
		sweep.setRemoveOrphans(false);
		for (String slug : SLUGS) {
			fixtures.awaitSettled(slug, RECONCILE);
		}
		fixtures.purge(SLUGS);
	}

	@Test
	void oneSweepReportsAMissingContainerADriftedAclUserAndADroppedGrantAndTheReconcilerRestoresThem() {
		provision("drift-a", "drift-b");
		String untouched = docker.inspectContainerCmd("tenant-drift-b").exec().getId();

		docker.removeContainerCmd("tenant-drift-a").withForce(true).exec();
		fixtures.redisAdmin().aclSetuser("tenant_drift_a", io.lettuce.core.AclSetuserArgs.Builder.keyPattern("*"));
		fixtures.tenantsDatabase()
			.execute("REVOKE CONNECT ON DATABASE " + database.databaseName() + " FROM tenant_drift_a");

		JsonNode report = sweepNow();
		JsonNode degraded = degraded(report, "drift-a").orElseThrow();
		assertThat(texts(degraded.get("reasons"))).anySatisfy(r -> assertThat(r).contains("tenant-drift-a missing"))
			.anySatisfy(r -> assertThat(r).contains("ACL user tenant_drift_a drifted").contains("key patterns"))
			.anySatisfy(r -> assertThat(r).contains("lost CONNECT on database " + database.databaseName()));
		assertThat(degraded.get("action").asText()).isEqualTo("handed to the reconciler");
		assertThat(texts(report.get("handedToReconciler"))).containsExactly("drift-a");
		assertThat(degraded(report, "drift-b")).isEmpty();

		fixtures.awaitStatus("drift-a", TenantStatus.ACTIVE, RECONCILE);
		assertThat(docker.inspectContainerCmd("tenant-drift-a").exec().getState().getRunning()).isTrue();
		assertThat(fixtures.redisAdmin().aclGetuser("tenant_drift_a")).contains("~tenant:drift-a:*")
			.doesNotContain("~*");
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT has_database_privilege('tenant_drift_a', current_database(), 'CONNECT')",
					Boolean.class))
			.isTrue();
		JsonNode after = sweepNow();
		assertThat(degraded(after, "drift-a")).isEmpty();
		assertThat(after.get("tenants").get("HEALTHY").asInt()).isGreaterThanOrEqualTo(2);
		assertThat(docker.inspectContainerCmd("tenant-drift-b").exec().getId()).isEqualTo(untouched);
	}

	@Test
	void orphansOfEveryKindAreReportedKeptByDefaultAndRemovedWhenEnabledOnlyWhenTheOwnershipRecordHasThem() {
		provision("orphan-host");
		plantOrphans("ghost-owned");
		plantOrphans("ghost-kept");
		for (ResourceKind kind : List.of(ResourceKind.CONTAINER, ResourceKind.DATABASE_ROLE,
				ResourceKind.DATABASE_SCHEMA, ResourceKind.REDIS_USER)) {
			String name = new TenantNames("ghost-owned").nameOf(kind);
			assertThat(ledger.claim("ghost-owned", kind, name)).isTrue();
		}

		JsonNode reported = sweepNow();
		assertThat(orphans(reported)).contains("container tenant-ghost-owned", "database-role tenant_ghost_owned",
				"database-schema tenant_ghost_owned", "redis-user tenant_ghost_owned", "container tenant-ghost-kept",
				"database-role tenant_ghost_kept", "database-schema tenant_ghost_kept", "redis-user tenant_ghost_kept")
			.noneMatch(o -> o.contains("orphan-host"));
		assertThat(actions(reported, "ghost")).allSatisfy(a -> assertThat(a).startsWith("reported"));
		assertThat(plantedLeft("ghost-owned")).containsExactlyInAnyOrder("container", "role", "schema", "acl");
		assertThat(plantedLeft("ghost-kept")).containsExactlyInAnyOrder("container", "role", "schema", "acl");

		sweep.setRemoveOrphans(true);
		JsonNode removed = sweepNow();
		assertThat(actions(removed, "ghost_owned")).containsOnly("removed");
		assertThat(actions(removed, "ghost-owned")).containsOnly("removed");
		assertThat(actions(removed, "ghost_kept")).allSatisfy(a -> assertThat(a).contains("never removed"));
		assertThat(plantedLeft("ghost-owned")).isEmpty();
		assertThat(plantedLeft("ghost-kept")).containsExactlyInAnyOrder("container", "role", "schema", "acl");
		assertThat(removed.get("repairs").get("orphansRemoved").asInt()).isEqualTo(4);
		assertThat(api.tenant("orphan-host").get("status").asText()).isEqualTo("ACTIVE");
		assertThat(docker.inspectContainerCmd("tenant-orphan-host").exec().getState().getRunning()).isTrue();
		assertThat(degraded(sweepNow(), "orphan-host")).isEmpty();
	}

	@Test
	void aSecretThatWillNotDecryptDegradesOnlyItsOwnTenantAndTheSweepGoesOnForEveryOther() {
		provision("wrong-key", "lost-box");
		SecretCipher elsewhere = new SecretCipher(
				new SecurityProperties("pw", List.of(), OTHER_KEY, java.nio.file.Path.of("target/no-such.key"),
						java.nio.file.Path.of("target"), null, 0, 0),
				new org.springframework.mock.env.MockEnvironment());
		assertThat(fixtures.controlPlaneDatabase()
			.update("UPDATE tenant_secrets SET ciphertext = ? WHERE tenant_id = 'wrong-key' AND name = ?",
					elsewhere.encrypt("sealed-by-another-control-plane", "wrong-key/" + TenantSecrets.REDIS_PASSWORD),
					TenantSecrets.REDIS_PASSWORD))
			.isOne();
		docker.removeContainerCmd("tenant-lost-box").withForce(true).exec();

		JsonNode report = sweepNow();

		JsonNode lost = degraded(report, "lost-box").orElseThrow();
		assertThat(texts(lost.get("reasons"))).anySatisfy(r -> assertThat(r).contains("tenant-lost-box missing"));
		assertThat(lost.get("action").asText()).isEqualTo("handed to the reconciler");
		JsonNode wrong = degraded(report, "wrong-key").orElseThrow();
		assertThat(texts(wrong.get("reasons"))).containsExactly("secret redis-password cannot be decrypted with this "
				+ "control plane's key (written under another key, or damaged)");
		assertThat(wrong.get("action").asText()).isEqualTo("none: left for an operator");
		assertThat(texts(report.get("handedToReconciler"))).containsExactly("lost-box");
		assertThat(report.toString()).doesNotContain(OTHER_KEY).doesNotContain("sealed-by-another-control-plane");

		fixtures.awaitStatus("lost-box", TenantStatus.ACTIVE, RECONCILE);
		assertThat(docker.inspectContainerCmd("tenant-lost-box").exec().getState().getRunning()).isTrue();
		JsonNode tenant = api.tenant("wrong-key");
		assertThat(tenant.get("status").asText()).isEqualTo("DEGRADED");
		JsonNode cache = StreamSupport.stream(tenant.get("conditions").spliterator(), false)
			.filter(c -> c.get("type").asText().equals("CacheReady"))
			.findFirst()
			.orElseThrow();
		assertThat(cache.get("status").asText()).isEqualTo("False");
		assertThat(cache.get("reason").asText()).isEqualTo("NeedsOperator");
		assertThat(cache.get("message").asText()).contains("secret redis-password cannot be decrypted");

		JsonNode again = sweepNow();
		assertThat(degraded(again, "lost-box")).as("repaired").isEmpty();
		assertThat(degraded(again, "wrong-key").orElseThrow().get("action").asText())
			.isEqualTo("none: left for an operator");
		assertThat(docker.inspectContainerCmd("tenant-wrong-key").exec().getState().getRunning())
			.as("the degraded tenant's container is left alone")
			.isTrue();

		// the reconciler, too, fails that tenant alone, with the reason
		assertThat(api.patch("/api/v1/tenants/wrong-key", "{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		fixtures.awaitStatus("wrong-key", TenantStatus.FAILED, RECONCILE);
		assertThat(api.tenant("wrong-key").get("conditions").toString())
			.contains("secret redis-password cannot be decrypted with this control plane's key");
		assertThat(api.tenant("lost-box").get("status").asText()).isEqualTo("ACTIVE");
	}

	@Test
	void aContainerWhoseHealthKeepsFailingIsRestartedNoMoreThanTheBudgetAllows() throws InterruptedException {
		provision("flaky");
		int port = URI.create(api.tenant("flaky").get("endpoint").asText()).getPort();
		Set<String> starts = new HashSet<>();
		List<String> actions = new ArrayList<>();
		breakHealth("flaky");
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
			starts.add(startedAt("flaky"));
			if (healthy(port)) {
				breakHealth("flaky"); // the fault comes back after every restart
			}
			String action = degraded(sweepNow(), "flaky").map(d -> d.get("action").asText()).orElse("healthy");
			actions.add(action);
			return action.contains("restart budget spent");
		});
		starts.add(startedAt("flaky"));
		assertThat(actions.get(0)).as("a first failure is watched, not restarted").startsWith("watching");
		assertThat(starts).as("container start times seen; actions %s", actions).hasSize(1 + sweep.getRestartBudget());

		for (int i = 0; i < 3; i++) {
			JsonNode report = sweepNow();
			assertThat(degraded(report, "flaky").orElseThrow().get("action").asText())
				.contains("restart budget spent: 2 restarts");
		}
		assertThat(startedAt("flaky")).isIn(starts);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_restarts WHERE tenant_id = 'flaky'", Integer.class))
			.isEqualTo(sweep.getRestartBudget());
		JsonNode tenant = api.tenant("flaky");
		assertThat(tenant.get("status").asText()).isEqualTo("DEGRADED");
		assertThat(StreamSupport.stream(tenant.get("conditions").spliterator(), false)
			.filter(c -> c.get("type").asText().equals("Healthy"))
			.findFirst()
			.orElseThrow()
			.get("message")
			.asText()).contains("health endpoint failing");
	}

	@Test
	void theReportsCallsAreTheOnesTheGatewaysMadeForTheSweepNotThoseOfOtherThreadsMeanwhile() throws Exception {
		provision("counted");
		int port = URI.create(api.tenant("counted").get("endpoint").asText()).getPort();
		// another thread on the same gateways while the sweep runs, as a reconcile would
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger rounds = new AtomicInteger();
		ExecutorService busy = Executors.newSingleThreadExecutor();
		Future<?> calling = busy.submit(() -> {
			while (!stop.get()) {
				docker.listContainersCmd().withLimit(1).exec();
				fixtures.controlPlaneDatabase().queryForObject("SELECT 1", Integer.class);
				fixtures.tenantsDatabase().queryForObject("SELECT 1", Integer.class);
				redis.users();
				probe.probe("counted", port, "not-the-token");
				rounds.incrementAndGet();
			}
		});
		JsonNode report;
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> rounds.get() > 0);
			int before = rounds.get();
			report = sweepNow();
			assertThat(rounds.get()).as("the other thread called on during the sweep").isGreaterThan(before);
		}
		finally {
			stop.set(true);
			busy.shutdown();
		}
		calling.get();

		JsonNode calls = report.get("calls");
		assertThat(calls.get("engine").asInt()).as("one list, one inspect per audited container")
			.isEqualTo(1 + calls.get("limitsAudited").asInt());
		assertThat(calls.get("tenantsDatabase").asInt()).as("the catalog query").isEqualTo(1);
		assertThat(calls.get("redis").asInt()).as("ACL reference set, ACL LIST, reference removed").isEqualTo(3);
		assertThat(calls.get("controlPlaneDatabase").asInt())
			.as("tenants, secrets, restarts, and the ownership record when there are orphans")
			.isEqualTo(3 + (report.get("orphans").isEmpty() ? 0 : 1));
		int tenants = StreamSupport.stream(report.get("tenants").spliterator(), false).mapToInt(JsonNode::asInt).sum();
		assertThat(calls.get("healthProbes").asInt()).as("at most one per tenant").isBetween(1, tenants);
	}

	private void provision(String... slugs) {
		fixtures.purge(slugs);
		for (String slug : slugs) {
			assertThat(api.postOrder(anOrder().withName(slug).withSubdomain(slug).build()).statusCode()).isEqualTo(202);
		}
		for (String slug : slugs) {
			fixtures.awaitStatus(slug, TenantStatus.ACTIVE, RECONCILE);
		}
	}

	private JsonNode sweepNow() {
		HttpResponse<String> response = api.post("/api/v1/fleet/sweep", "");
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		JsonNode report = api.read(response.body());
		HttpResponse<String> latest = api.get("/api/v1/fleet/health");
		assertThat(latest.statusCode()).isEqualTo(200);
		assertThat(api.read(latest.body()).get("sweptAt")).isEqualTo(report.get("sweptAt"));
		return report;
	}

	private static Optional<JsonNode> degraded(JsonNode report, String tenant) {
		return StreamSupport.stream(report.get("degraded").spliterator(), false)
			.filter(d -> d.get("tenantId").asText().equals(tenant))
			.findFirst();
	}

	private static List<String> orphans(JsonNode report) {
		return StreamSupport.stream(report.get("orphans").spliterator(), false)
			.map(o -> o.get("kind").asText() + " " + o.get("name").asText())
			.toList();
	}

	private static List<String> actions(JsonNode report, String nameContains) {
		return StreamSupport.stream(report.get("orphans").spliterator(), false)
			.filter(o -> o.get("name").asText().contains(nameContains))
			.map(o -> o.get("action").asText())
			.toList();
	}

	private static List<String> texts(JsonNode array) {
		return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
	}

	/**
	 * A container, a role with a schema, and an ACL user, all looking like tenantforge's,
	 * of no live tenant.
	 */
	private void plantOrphans(String slug) {
		TenantNames names = new TenantNames(slug);
		String name = names.databaseRole();
		docker.createContainerCmd("tenantforge/tenant-smoke:dev")
			.withName(names.containerName())
			.withLabels(Map.of(TenantContainerProvisioner.LABEL_MANAGED_BY, TenantContainerProvisioner.MANAGED_BY,
					TenantContainerProvisioner.LABEL_TENANT, slug))
			.exec();
		fixtures.tenantsDatabase().execute("CREATE ROLE " + name + " NOLOGIN");
		fixtures.tenantsDatabase()
			.execute("COMMENT ON ROLE " + name + " IS 'managed-by=tenantforge tenant=" + slug + "'");
		fixtures.tenantsDatabase().execute("CREATE SCHEMA " + name + " AUTHORIZATION " + name);
		fixtures.tenantsDatabase()
			.execute("COMMENT ON SCHEMA " + name + " IS 'managed-by=tenantforge tenant=" + slug + "'");
		fixtures.redisAdmin().aclSetuser(name, io.lettuce.core.AclSetuserArgs.Builder.off());
	}

	/** Which of the planted resources of {@code slug} still exist. */
	private List<String> plantedLeft(String slug) {
		TenantNames names = new TenantNames(slug);
		String name = names.databaseRole();
		List<String> left = new ArrayList<>();
		try {
			docker.inspectContainerCmd(names.containerName()).exec();
			left.add("container");
		}
		catch (NotFoundException gone) {
			// removed
		}
		if (!fixtures.tenantsDatabase().queryForList("SELECT 1 FROM pg_roles WHERE rolname = ?", name).isEmpty()) {
			left.add("role");
		}
		if (!fixtures.tenantsDatabase().queryForList("SELECT 1 FROM pg_namespace WHERE nspname = ?", name).isEmpty()) {
			left.add("schema");
		}
		if (fixtures.redisAdmin().aclUsers().contains(name)) {
			left.add("acl");
		}
		return left;
	}

	/**
	 * Deletes the file the smoke image serves as /health: it answers 404 until the
	 * container restarts.
	 */
	private void breakHealth(String slug) throws InterruptedException {
		ExecCreateCmdResponse exec = docker.execCreateCmd("tenant-" + slug)
			.withCmd("/bin/busybox", "rm", "-f", "/tmp/www/health")
			.exec();
		docker.execStartCmd(exec.getId()).exec(new ExecStartResultCallback()).awaitCompletion();
	}

	private String startedAt(String slug) {
		return docker.inspectContainerCmd("tenant-" + slug).exec().getState().getStartedAt();
	}

	private static boolean healthy(int port) {
		try {
			return HTTP
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
					.timeout(Duration.ofMillis(500))
					.build(), HttpResponse.BodyHandlers.discarding())
				.statusCode() == 200;
		}
		catch (java.io.IOException e) {
			return false;
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
