package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A reconcile finishes or abandons the generation it started with, and a newer generation
 * asked for meanwhile runs its own steps (issue 13, item 1): a DELETE or a tier change
 * that lands while a tenant is being provisioned is carried out in full, checked in
 * Docker, PostgreSQL, Redis, the secret folder and the ownership record.
 */
@IntegrationTest
class SupersededGenerationTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final List<String> BURST = IntStream.rangeClosed(1, 30)
		.mapToObj(i -> String.format("burst-%02d", i))
		.toList();

	private static final List<String> SINGLES = List.of("racer", "shifter");

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	StepPauses pauses;

	@Autowired
	TenantStore store;

	@Autowired
	DockerClient docker;

	@AfterEach
	void clean() {
		for (String slug : all()) {
			try {
				awaitReconciled(slug, Duration.ofSeconds(30));
			}
			catch (RuntimeException | AssertionError stillBusy) {
				// purged anyway
			}
		}
		fixtures.purge(all().toArray(String[]::new));
	}

	@Test
	void aDeleteWhileTheFirstProvisioningIsParkedBetweenStepsRunsItsOwnDeprovisionStepsAndLeavesNothing()
			throws Exception {
		fixtures.purge("racer");
		StepPauses.Pause pause = pauses.pauseAfter("cache", "racer");
		try {
			assertThat(api.postOrder(anOrder().withName("Racer").withSubdomain("racer").build()).statusCode())
				.isEqualTo(202);
			assertThat(pause.awaitParked(RECONCILE)).as("generation 1 parked after the cache step").isTrue();

			HttpResponse<String> deleted = api.delete("/api/v1/tenants/racer");

			assertThat(deleted.statusCode()).isEqualTo(202);
			assertThat(store.find("racer").orElseThrow().generation()).isEqualTo(2);
		}
		finally {
			pause.release();
		}
		Tenant tenant = awaitReconciled("racer", RECONCILE);

		assertThat(tenant.status()).isEqualTo(TenantStatus.DELETED);
		assertThat(tenant.observedGeneration()).isEqualTo(2);
		assertThat(fixtures.leftoversOf(List.of("racer"))).as("left behind by the DELETE").isEmpty();

		assertThat(api.postOrder(anOrder().withName("Racer").withSubdomain("racer").build()).statusCode())
			.as("the subdomain can be ordered again")
			.isEqualTo(202);
		fixtures.awaitStatus("racer", TenantStatus.ACTIVE, RECONCILE);
		int port = URI.create(api.tenant("racer").path("endpoint").asText()).getPort();
		assertThat(docker.inspectContainerCmd("tenant-racer").exec().getConfig().getEnv()).contains("PORT=" + port);
	}

	@Test
	void aTierChangeWhileTheFirstProvisioningIsParkedBetweenStepsRunsEveryStepWithTheNewTier() throws Exception {
		fixtures.purge("shifter");
		StepPauses.Pause pause = pauses.pauseAfter("database", "shifter");
		try {
			assertThat(api.postOrder(anOrder().withName("Shifter").withSubdomain("shifter").build()).statusCode())
				.isEqualTo(202);
			assertThat(pause.awaitParked(RECONCILE)).as("generation 1 parked after the database step").isTrue();

			assertThat(api.patch("/api/v1/tenants/shifter", "{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		}
		finally {
			pause.release();
		}
		Tenant tenant = awaitReconciled("shifter", RECONCILE);

		assertThat(tenant.status()).isEqualTo(TenantStatus.ACTIVE);
		assertThat(tenant.observedGeneration()).isEqualTo(2);
		assertThat(fixtures.tenantsDatabase()
			.queryForMap("SELECT rolconnlimit, array_to_string(rolconfig, ',') AS config FROM pg_roles "
					+ "WHERE rolname = 'tenant_shifter'"))
			.as("the role has the limits of tier pro")
			.containsEntry("rolconnlimit", 20)
			.hasEntrySatisfying("config", config -> assertThat((String) config).contains("statement_timeout=30000"));
		InspectContainerResponse container = docker.inspectContainerCmd("tenant-shifter").exec();
		assertThat(container.getHostConfig().getMemory()).as("container memory of tier pro")
			.isEqualTo(128L * 1024 * 1024);
		assertThat(container.getHostConfig().getPidsLimit()).isEqualTo(128L);
	}

	@Test
	void aBurstOfOrdersDeletedWhileTheyAreProvisionedLeavesNothingBehind() {
		fixtures.purge(BURST.toArray(String[]::new));
		ExecutorService clients = Executors.newFixedThreadPool(BURST.size());
		try {
			assertThat(inParallel(clients,
					slug -> operator("POST", "/api/v1/tenants",
							anOrder().withName("Burst " + slug).withSubdomain(slug).build())))
				.as("orders accepted")
				.containsOnly(202);
			await().atMost(RECONCILE)
				.pollInterval(Duration.ofMillis(50))
				.until(() -> fixtures.leftoversOf(BURST).stream().filter(l -> l.startsWith("container ")).count() >= 3);

			assertThat(inParallel(clients, slug -> operator("DELETE", "/api/v1/tenants/" + slug, null)))
				.as("deletions accepted")
				.containsOnly(202);
		}
		finally {
			clients.shutdownNow();
		}
		for (String slug : BURST) {
			Tenant tenant = awaitReconciled(slug, Duration.ofSeconds(180));
			assertThat(tenant.status()).as("status of %s", slug).isEqualTo(TenantStatus.DELETED);
		}

		assertThat(fixtures.leftoversOf(BURST)).as("left behind by the DELETEs").isEmpty();
	}

	/** The tenant once the reconciler has observed its newest generation. */
	private Tenant awaitReconciled(String slug, Duration atMost) {
		return await().atMost(atMost)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> store.find(slug),
					found -> found
						.map(t -> t.observedGeneration() == t.generation() && t.status() != TenantStatus.PROVISIONING
								&& t.status() != TenantStatus.DEPROVISIONING)
						.orElse(true))
			.orElseThrow(() -> new AssertionError("tenant " + slug + " vanished"));
	}

	private int operator(String method, String path, String body) {
		return api.requestAs("operator", "operator-password", method, path, body).statusCode();
	}

	private static List<Integer> inParallel(ExecutorService clients, Function<String, Integer> call) {
		List<CompletableFuture<Integer>> calls = BURST.stream()
			.map(slug -> CompletableFuture.supplyAsync(() -> call.apply(slug), clients))
			.toList();
		return calls.stream().map(CompletableFuture::join).toList();
	}

	private static List<String> all() {
		return java.util.stream.Stream.concat(SINGLES.stream(), BURST.stream()).toList();
	}

}
