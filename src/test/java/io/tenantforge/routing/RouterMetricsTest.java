package io.tenantforge.routing;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;

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
 * Requests and errors per tenant from the router, on {@code /actuator/prometheus}: real
 * requests through the test context's own Caddy to real tenant containers, counted from
 * Caddy's access log (its net writer to the control plane's listener). Counters live as
 * long as the context, so each test compares with what they showed before it.
 */
@IntegrationTest
class RouterMetricsTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final String A = "metra";

	private static final String B = "metrb";

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	RoutingProperties routing;

	@Autowired
	CaddyProcess router;

	@Autowired
	AccessLogListener listener;

	@Autowired
	CamelContext camel;

	private RouterClient client;

	@BeforeEach
	void provision() {
		fixtures.purge(A, B);
		client = new RouterClient(routing.process().rootCertificate(), routing.listenPort());
		for (String id : new String[] { A, B }) {
			assertThat(api.postOrder(anOrder().withName("Metrics " + id).withSubdomain(id).build()).statusCode())
				.isEqualTo(202);
		}
		fixtures.awaitStatus(A, TenantStatus.ACTIVE, RECONCILE);
		fixtures.awaitStatus(B, TenantStatus.ACTIVE, RECONCILE);
	}

	@AfterEach
	void clean() {
		listener.claim(); // a test that took the port away gives it back
		router.start(); // a test that killed it leaves it running again
		fixtures.awaitSettled(A, RECONCILE);
		fixtures.awaitSettled(B, RECONCILE);
		fixtures.purge(A, B);
	}

	@Test
	void requestsAndServerErrorsAreCountedPerTenantAndStatusClass() throws Exception {
		assertThat(listener.listening()).isTrue();
		String own = A + ".tenants.test";
		double ok = requests(A, "2xx");
		double failed = requests(A, "5xx");
		double errors = errors(A);
		double otherOk = requests(B, "2xx");
		double otherFailed = requests(B, "5xx");

		int n = 7;
		for (int i = 0; i < n; i++) {
			assertThat(client.status(own, "/health")).isEqualTo(200);
		}
		assertThat(api.post("/api/v1/tenants/" + A + "/suspend", "").statusCode()).isEqualTo(202);
		fixtures.awaitStatus(A, TenantStatus.SUSPENDED, RECONCILE);
		int suspended = 3;
		for (int i = 0; i < suspended; i++) {
			assertThat(client.status(own, "/health")).isEqualTo(503);
		}

		// exactly: reached, and still so two seconds later (nothing counted twice)
		await().atMost(Duration.ofSeconds(20))
			.until(() -> requests(A, "5xx") >= failed + suspended && requests(A, "2xx") >= ok + n);
		await().during(Duration.ofSeconds(2))
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> requests(A, "2xx") == ok + n && requests(A, "5xx") == failed + suspended
					&& errors(A) == errors + suspended);
		assertThat(requests(B, "2xx")).as("another tenant's series").isEqualTo(otherOk);
		assertThat(requests(B, "5xx")).isEqualTo(otherFailed);
		assertThat(prometheus().lines().filter(line -> line.startsWith("tenantforge_router_")))
			.as("hostnames never become labels")
			.isNotEmpty()
			.noneMatch(line -> line.contains("tenants.test"));
	}

	@Test
	void aRestartedRouterGetsItsAccessLogBackAndRequestsAreCountedAgain() throws Exception {
		String own = B + ".tenants.test";
		double before = requests(B, "2xx");
		assertThat(client.status(own, "/health")).isEqualTo(200);
		await().atMost(Duration.ofSeconds(20)).until(() -> requests(B, "2xx") == before + 1);

		long pid = router.pid().orElseThrow();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		// gone for the control plane too (its Process reaped), not only a zombie
		await().atMost(Duration.ofSeconds(10)).until(() -> router.pid().isEmpty());
		router.start();
		// a router restarted by someone else has its bootstrap config only: no access log
		// either (here: taken away by hand after our own start gave it back)
		assertThat(admin("DELETE", "/config/logging").statusCode()).isEqualTo(200);
		assertThat(admin("DELETE", "/config/apps/http/servers/tenantforge/logs").statusCode()).isEqualTo(200);

		JsonNode routes = api.read(api.post("/api/v1/fleet/sweep", "").body()).get("routes");
		assertThat(routes.get("reachable").asBoolean()).isTrue();
		assertThat(routes.get("repaired").toString()).contains(B + ": route missing")
			.contains("router access log: server's access logging off, log tenantforge-access missing")
			.doesNotContain("repair failed");
		double after = requests(B, "2xx");
		int n = 5;
		for (int i = 0; i < n; i++) {
			assertThat(client.status(own, "/health")).isEqualTo(200);
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> requests(B, "2xx") == after + n);

		// as wanted now: the next sweep has nothing to repair
		JsonNode again = api.read(api.post("/api/v1/fleet/sweep", "").body()).get("routes");
		assertThat(again.get("repaired").toString()).doesNotContain("router access log");
		// and the access entries stay out of Caddy's own log
		assertThat(admin("GET", "/config/logging/logs/default/exclude").body()).contains("http.log.access.tenantforge");
	}

	@Test
	void onlyTheControlPlaneHoldingThePortCountsAndTheRouterServesWhileNoneListens() throws Exception {
		String own = A + ".tenants.test";
		camel.getRouteController().stopRoute(AccessLogListener.ROUTE);
		assertThat(listener.listening()).isFalse();
		double before = requests(A, "2xx");
		try (ServerSocket other = new ServerSocket()) {
			// another control plane on this host holds the port
			other.bind(new InetSocketAddress("127.0.0.1", routing.accessLogPort()));
			other.setSoTimeout(500);
			assertThat(listener.claim()).isFalse();
			assertThat(listener.notListening()).contains("127.0.0.1:" + routing.accessLogPort());

			// the router goes on serving; its writer connects to whoever listens now
			AtomicReference<Socket> caddy = new AtomicReference<>();
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
				assertThat(client.status(own, "/health")).isEqualTo(200);
				try {
					caddy.set(other.accept());
					return true;
				}
				catch (SocketTimeoutException notYet) {
					return false;
				}
			});
			try (Socket connection = caddy.get()) {
				connection.setSoTimeout(15_000);
				BufferedReader lines = new BufferedReader(
						new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
				assertThat(client.status(own, "/health")).isEqualTo(200);
				assertThat(lines.readLine()).contains("\"host\":\"" + own + ":" + routing.listenPort() + "\"")
					.contains("\"status\":200")
					.doesNotContain("User-Agent", "remote_ip", "/health");
			}
		}
		assertThat(requests(A, "2xx")).as("counted by the other control plane, not here too").isEqualTo(before);

		// the other one is gone: this one takes the port, and counts again once Caddy
		// connects (it tries at most every 10 s; meanwhile entries go to its stderr)
		assertThat(listener.claim()).isTrue();
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
			assertThat(client.status(own, "/health")).isEqualTo(200);
			return requests(A, "2xx") > before;
		});
	}

	private double requests(String tenant, String code) {
		return value("tenantforge_router_requests_total", "code=\"" + code + "\",tenant=\"" + tenant + "\"");
	}

	private double errors(String tenant) {
		return value("tenantforge_router_errors_total", "tenant=\"" + tenant + "\"");
	}

	/** A series' value on /actuator/prometheus; 0 while it does not exist. */
	private double value(String name, String labels) {
		Matcher series = Pattern.compile("(?m)^" + name + "\\{" + Pattern.quote(labels) + ",?} (\\S+)$")
			.matcher(prometheus());
		return series.find() ? Double.parseDouble(series.group(1)) : 0;
	}

	private String prometheus() {
		return api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).body();
	}

	private HttpResponse<String> admin(String method, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(routing.adminUrl() + path))
				.method(method, HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
	}

}
