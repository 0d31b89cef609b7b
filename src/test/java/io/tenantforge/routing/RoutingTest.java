package io.tenantforge.routing;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.RouterClient;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tenants served through the real router (the test context's own Caddy, a child process
 * of the control plane) to real tenant containers: every request goes to
 * 127.0.0.1:{@code listen-port} with the tenant's hostname as SNI and Host, and the
 * certificate is verified against the router's internal CA.
 */
@IntegrationTest
class RoutingTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final String A = "routa";

	private static final String B = "routb";

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	RoutingProperties routing;

	@Autowired
	CaddyProcess router;

	@Autowired
	CaddyGateway gateway;

	@Autowired
	DockerClient docker;

	private RouterClient client;

	@BeforeEach
	void provision() {
		fixtures.purge(A, B);
		fixtures.removeRoute("tenantforge-tenant-ghost");
		client = new RouterClient(routing.process().rootCertificate(), routing.listenPort());
		assertThat(api.postOrder(anOrder().withName("Route A").withSubdomain(A).build()).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(A, TenantStatus.ACTIVE, RECONCILE);
	}

	@AfterEach
	void clean() {
		router.start(); // a test that killed it leaves it running again for the rest of
						// the suite
		fixtures.awaitSettled(A, RECONCILE);
		fixtures.awaitSettled(B, RECONCILE);
		fixtures.purge(A, B);
		fixtures.removeRoute("tenantforge-tenant-ghost");
	}

	@Test
	void aTenantAnswersAtItsSubdomainAndItsCustomDomainOverVerifiedTls() throws Exception {
		String own = A + ".tenants.test";
		assertThat(api.tenant(A).get("url").asText()).isEqualTo("https://" + own + ":" + routing.listenPort());
		assertThat(api.tenant(A).get("domains")).isEmpty();
		RouterClient.Answer answer = client.get(own, "/health");
		assertThat(answer.status()).isEqualTo(200);

		assertThat(putDomains(A, "{\"domains\":[\"shop.routa.example\"]}").statusCode()).isEqualTo(202);
		awaitObserved(A);
		assertThat(api.tenant(A).get("domains").toString()).isEqualTo("[\"shop.routa.example\"]");
		assertThat(client.status("shop.routa.example", "/health")).isEqualTo(200);
		assertThat(client.status(own, "/health")).isEqualTo(200);

		// the scrape target: the router's request metrics on its admin endpoint (all
		// tenants together in Caddy 2.6)
		String metrics = java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(routing.adminUrl() + "/metrics")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		assertThat(metrics)
			.containsPattern("caddy_http_requests_total\\{handler=\"reverse_proxy\",server=\"tenantforge\"} [1-9]");
	}

	@Test
	void theRouterIssuesCertificatesOnDemandForLiveTenantsHostnamesOnly() throws Exception {
		JsonNode policy = gateway.edgeTlsPolicy().orElseThrow();
		assertThat(policy.path("on_demand").asBoolean()).as("issued at the first handshake").isTrue();
		assertThat(policy.path("disable_ocsp_stapling").asBoolean()).as("internal CA: no OCSP").isTrue();

		// the control plane's answer to the router's question (as Caddy asks it)
		assertThat(ask(A + ".tenants.test")).isEqualTo(200);
		assertThat(ask("nobody.tenants.test")).as("no such tenant").isEqualTo(403);
		assertThat(ask("x." + A + ".tenants.test")).as("below a tenant's hostname").isEqualTo(403);
		assertThat(ask("shop.routa.example")).as("nobody's domain yet").isEqualTo(403);
		assertThat(ask("")).isEqualTo(403);
		assertThat(java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest
				.newBuilder(java.net.URI.create(routing.askUrl() + "?domain=" + A + ".tenants.test"))
				.POST(java.net.http.HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode()).as("GET only").isEqualTo(405);

		// a made-up name gets no certificate: the handshake is refused, nothing is stored
		assertThat(client.status("nobody.tenants.test", "/health")).isEqualTo(-1);
		try (var issued = java.nio.file.Files.walk(routing.process().dataDir().resolve("storage"))) {
			assertThat(issued.map(path -> path.getFileName().toString())).noneMatch(n -> n.startsWith("nobody."));
		}

		// a custom domain is asked about once it is the tenant's, and served
		assertThat(putDomains(A, "{\"domains\":[\"shop.routa.example\"]}").statusCode()).isEqualTo(202);
		awaitObserved(A);
		assertThat(ask("shop.routa.example")).isEqualTo(200);
		assertThat(client.status("shop.routa.example", "/health")).isEqualTo(200);
	}

	@Test
	void aDomainHeldByAnotherTenantIsAConflictEnforcedByTheDatabase() {
		assertThat(putDomains(A, "{\"domains\":[\"shop.routa.example\"]}").statusCode()).isEqualTo(202);
		assertThat(api.postOrder(anOrder().withName("Route B").withSubdomain(B).build()).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(B, TenantStatus.ACTIVE, RECONCILE);

		HttpResponse<String> taken = putDomains(B, "{\"domains\":[\"b.routb.example\",\"shop.routa.example\"]}");
		assertThat(taken.statusCode()).isEqualTo(409);
		assertThat(api.read(taken.body()).get("detail").asText()).contains("shop.routa.example");
		assertThat(api.tenant(B).get("domains")).isEmpty();
		assertThat(api.tenant(A).get("domains").toString()).isEqualTo("[\"shop.routa.example\"]");
		// the unique key, not only the check before it: a second row for the domain
		// cannot exist
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM pg_constraint WHERE conrelid = 'tenant_domains'::regclass "
					+ "AND contype IN ('p', 'u')", Long.class))
			.isPositive();
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> fixtures.controlPlaneDatabase()
				.update("INSERT INTO tenant_domains (domain, tenant_id) VALUES ('shop.routa.example', ?)", B))
			.isInstanceOf(org.springframework.dao.DuplicateKeyException.class);
	}

	@Test
	void hostileDomainsAreRefusedNamingTheField() {
		String label63 = "a".repeat(63);
		List<String> hostile = List.of("Shop.routa.example",
				"shop.r\u0430uta.example" /* Cyrillic а */, "a..b.com", "a".repeat(64) + ".com", "*.x.com", "127.0.0.1",
				"routb.tenants.test", "tenants.test", String.join(".", label63, label63, label63, label63,
						"b".repeat(44)) /* 300 bytes */,
				"shop.example.");
		assertThat(hostile.get(8)).hasSize(300);
		for (String domain : hostile) {
			HttpResponse<String> refused = putDomains(A, "{\"domains\":[\"ok.routa.example\",\"" + domain + "\"]}");
			assertThat(refused.statusCode()).as(domain).isEqualTo(400);
			JsonNode errors = api.read(refused.body()).get("errors");
			assertThat(errors).as(domain).hasSize(1);
			assertThat(errors.get(0).get("field").asText()).as(domain).isEqualTo("domains[1]");
		}
		assertThat(api.tenant(A).get("domains")).isEmpty();
	}

	@Test
	void suspendedAnswers503ResumedServesAgainDeletedNoLongerAnswers() throws Exception {
		String own = A + ".tenants.test";
		assertThat(putDomains(A, "{\"domains\":[\"shop.routa.example\"]}").statusCode()).isEqualTo(202);
		awaitObserved(A);

		assertThat(api.post("/api/v1/tenants/" + A + "/suspend", "").statusCode()).isEqualTo(202);
		fixtures.awaitStatus(A, TenantStatus.SUSPENDED, RECONCILE);
		RouterClient.Answer suspended = client.get(own, "/health");
		assertThat(suspended.status()).isEqualTo(503);
		assertThat(suspended.body()).contains("suspended");
		assertThat(client.status("shop.routa.example", "/health")).isEqualTo(503);

		assertThat(api.post("/api/v1/tenants/" + A + "/resume", "").statusCode()).isEqualTo(202);
		fixtures.awaitStatus(A, TenantStatus.ACTIVE, RECONCILE);
		assertThat(client.status(own, "/health")).isEqualTo(200);
		assertThat(client.status("shop.routa.example", "/health")).isEqualTo(200);

		assertThat(api.delete("/api/v1/tenants/" + A).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(A, TenantStatus.DELETED, RECONCILE);
		assertThat(gateway.route(RouteSpec.routeId(A))).isEmpty();
		assertThat(client.status(own, "/health")).as("no route, no certificate: no answer").isEqualTo(-1);
		assertThat(client.status("shop.routa.example", "/health")).isEqualTo(-1);
		assertThat(api.tenant(A).get("url").isNull()).isTrue();
		// the domain is free again
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_domains WHERE tenant_id = ?", Long.class, A)).isZero();
	}

	@Test
	void aRouterProcessThatDiesIsStartedAgainByTheNextSweepWithItsRoutes() throws Exception {
		String own = A + ".tenants.test";
		assertThat(client.status(own, "/health")).isEqualTo(200);
		long pid = router.pid().orElseThrow();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		await().atMost(Duration.ofSeconds(10)).until(() -> router.pid().isEmpty());
		assertThat(client.status(own, "/health")).as("the edge has nowhere to send it").isEqualTo(502);

		JsonNode routes = api.read(api.post("/api/v1/fleet/sweep", "").body()).get("routes");

		assertThat(routes.get("reachable").asBoolean()).isTrue();
		assertThat(routes.get("note").asText()).contains("started again");
		assertThat(routes.get("repaired").toString()).contains(A + ": route missing");
		assertThat(router.pid()).isPresent().get().isNotEqualTo(pid);
		assertThat(client.status(own, "/health")).isEqualTo(200);
	}

	@Test
	void aRestartedRouterGetsEveryRouteBackInOneSweepAndARouteOfNoTenantIsAnOrphan() throws Exception {
		String own = A + ".tenants.test";
		assertThat(client.status(own, "/health")).isEqualTo(200);
		// the router: its edge and its routes' Caddy
		long pid = router.pid().orElseThrow();
		List<Long> pids = router.pids();
		assertThat(pids).hasSize(2).contains(pid);
		for (long each : pids) {
			ProcessHandle.of(each).orElseThrow().destroyForcibly();
		}
		// gone for the control plane too (its Processes reaped), not only zombies
		await().atMost(Duration.ofSeconds(10)).until(() -> router.pids().isEmpty());
		assertThat(client.status(own, "/health")).isEqualTo(-1);

		router.start();
		assertThat(router.pid()).isPresent().get().isNotEqualTo(pid);
		RouterClient.Answer noRoute = client.get(own, "/health");
		assertThat(noRoute.status()).as("a restarted router has no routes").isEqualTo(404);
		assertThat(noRoute.body()).contains("No site here");
		// a route added by hand, for no tenant
		gateway.put("tenantforge-tenant-ghost",
				Map.of("@id", "tenantforge-tenant-ghost", "match",
						List.of(Map.of("host", List.of("ghost.tenants.test"))), "handle",
						List.of(Map.of("handler", "static_response", "status_code", 200))));

		JsonNode report = api.read(api.post("/api/v1/fleet/sweep", "").body());

		JsonNode routes = report.get("routes");
		assertThat(routes.get("reachable").asBoolean()).isTrue();
		assertThat(routes.get("repaired").toString()).contains(A + ": route missing");
		assertThat(routes.get("orphans").findValuesAsText("name")).contains("tenantforge-tenant-ghost");
		assertThat(routes.get("orphans").toString()).contains("the ownership record does not have it");
		assertThat(client.status(own, "/health")).isEqualTo(200);
		assertThat(gateway.route("tenantforge-tenant-ghost")).as("reported, not removed").isPresent();
		assertThat(api.read(api.get("/api/v1/fleet/health").body()).get("routes").get("orphans").toString())
			.contains("tenantforge-tenant-ghost");

		// a second sweep finds nothing more to repair
		JsonNode again = api.read(api.post("/api/v1/fleet/sweep", "").body()).get("routes");
		assertThat(again.get("repaired").toString()).doesNotContain(A + ":");
	}

	@Test
	void noRequestFailsThroughTheRouterWhileTheTenantsContainerIsReplacedOrResized() throws Exception {
		String own = A + ".tenants.test";
		String before = docker.inspectContainerCmd("tenant-" + A).exec().getId();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger ok = new AtomicInteger();
		List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
		Instant until = Instant.now().plus(Duration.ofSeconds(90));
		CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
			for (int i = 0; i < 5000 && !stop.get() && Instant.now().isBefore(until); i++) {
				try {
					RouterClient.Answer answer = client.get(own, "/health");
					if (answer.status() == 200) {
						ok.incrementAndGet();
					}
					else {
						failures.add(answer.status() + " " + answer.body());
					}
				}
				catch (java.io.IOException e) {
					failures.add(e.toString());
				}
			}
		});
		await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= 20);

		// replaced: the container is removed, the sweep hands the tenant to the
		// reconciler, which makes a new one
		docker.removeContainerCmd("tenant-" + A).withForce(true).exec();
		assertThat(api.post("/api/v1/fleet/sweep", "").statusCode()).isEqualTo(200);
		await().atMost(RECONCILE).pollInterval(Duration.ofMillis(100)).until(() -> {
			try {
				return !docker.inspectContainerCmd("tenant-" + A).exec().getId().equals(before)
						&& api.tenant(A).get("status").asText().equals("ACTIVE");
			}
			catch (com.github.dockerjava.api.exception.NotFoundException notYet) {
				return false;
			}
		});
		int afterReplace = ok.get();
		// resized: a tier change, in place
		assertThat(api.patch("/api/v1/tenants/" + A, "{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		awaitObserved(A);
		await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() >= afterReplace + 20);
		stop.set(true);
		load.get(100, TimeUnit.SECONDS);

		assertThat(failures).as("answers other than 200 through the router").isEmpty();
		assertThat(ok.get()).isGreaterThanOrEqualTo(afterReplace + 20);
	}

	/** The status the control plane answers the router's on-demand question with. */
	private int ask(String domain) throws Exception {
		return java.net.http.HttpClient.newHttpClient()
			.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(routing.askUrl() + "?domain=" + domain))
				.build(), HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	private HttpResponse<String> putDomains(String id, String body) {
		return api.sendAs("PUT", "/api/v1/tenants/" + id + "/domains", "application/json", body);
	}

	private void awaitObserved(String id) {
		await().atMost(RECONCILE).pollInterval(Duration.ofMillis(100)).until(() -> {
			JsonNode tenant = api.tenant(id);
			return tenant.get("status").asText().equals("ACTIVE") && fixtures.controlPlaneDatabase()
				.queryForObject("SELECT observed_generation = generation FROM tenants WHERE id = ?", Boolean.class, id);
		});
	}

}
