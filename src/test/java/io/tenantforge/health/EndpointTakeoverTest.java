package io.tenantforge.health;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.core.command.ExecStartResultCallback;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tenants share the host's network, so one tenant can listen on another's port while that
 * one is down (issue 13, item 2). The readiness probe and the sweep's probe must not take
 * such an answer for the tenant's own: tenant {@code holder} serves a {@code /health}
 * that answers 200 on {@code victim}'s port while {@code victim} is suspended, then
 * {@code victim} is resumed.
 */
@IntegrationTest
class EndpointTakeoverTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	TenantStore store;

	@Autowired
	TenantHealthProbe probe;

	@Autowired
	TenantSecrets secrets;

	@BeforeEach
	void provision() {
		fixtures.purge("holder", "victim");
		for (String slug : new String[] { "holder", "victim" }) {
			assertThat(api.postOrder(anOrder().withName(slug).withSubdomain(slug).build()).statusCode()).isEqualTo(202);
		}
		fixtures.awaitStatus("holder", TenantStatus.ACTIVE, RECONCILE);
		fixtures.awaitStatus("victim", TenantStatus.ACTIVE, RECONCILE);
	}

	@AfterEach
	void clean() {
		fixtures.awaitSettled("holder", RECONCILE);
		fixtures.awaitSettled("victim", RECONCILE);
		fixtures.purge("holder", "victim");
	}

	@Test
	void aTenantResumedOntoAPortAnotherTenantHoldsIsNotActiveAndTheReasonNamesTheMissingIdentity() throws Exception {
		int port = portOf("victim");
		assertThat(api.post("/api/v1/tenants/victim/suspend", "").statusCode()).isEqualTo(202);
		fixtures.awaitStatus("victim", TenantStatus.SUSPENDED, RECONCILE);

		serveFakeHealth("holder", port);
		await().atMost(Duration.ofSeconds(10)).until(() -> answers200(port));

		assertThat(api.post("/api/v1/tenants/victim/resume", "").statusCode()).isEqualTo(202);
		Tenant victim = awaitObserved("victim");
		assertThat(victim.status()).as("victim after resume onto a taken port").isEqualTo(TenantStatus.FAILED);
		assertThat(healthMessage(api.tenant("victim"))).contains(TenantHealthProbe.IDENTITY_PROBLEM)
			.contains("127.0.0.1:" + port);

		JsonNode report = api.read(api.post("/api/v1/fleet/sweep", "").body());
		assertThat(report.get("tenants").get("HEALTHY").asInt()).as("only holder is healthy").isEqualTo(1);
		assertThat(api.tenant("victim").get("status").asText()).isNotEqualTo("ACTIVE");
	}

	@Test
	void theSweepsProbeTellsTheTenantsOwnAnswerFromAnotherTenantsOnTheSamePort() {
		int holderPort = portOf("holder");
		String holderToken = secrets.getOrCreate("holder", TenantSecrets.HEALTH_TOKEN);
		String victimToken = secrets.getOrCreate("victim", TenantSecrets.HEALTH_TOKEN);

		assertThat(probe.probe("holder", holderPort, holderToken)).as("holder on its own port").isEmpty();
		assertThat(probe.probe("victim", portOf("victim"), victimToken)).as("victim on its own port").isEmpty();
		assertThat(probe.probe("victim", holderPort, victimToken)).as("holder's answer taken for victim's")
			.hasValueSatisfying(problem -> assertThat(problem).contains(TenantHealthProbe.IDENTITY_PROBLEM));
	}

	private int portOf(String slug) {
		return URI.create(api.tenant(slug).get("endpoint").asText()).getPort();
	}

	/**
	 * Inside {@code slug}'s container: a busybox httpd on {@code port} whose /health
	 * answers 200 "ok".
	 */
	private void serveFakeHealth(String slug, int port) throws InterruptedException {
		ExecCreateCmdResponse exec = docker.execCreateCmd("tenant-" + slug)
			.withCmd("/bin/busybox", "sh", "-c",
					"/bin/busybox mkdir -p /tmp/fake && printf ok > /tmp/fake/health"
							+ " && /bin/busybox httpd -p 127.0.0.1:" + port + " -h /tmp/fake")
			.exec();
		docker.execStartCmd(exec.getId()).exec(new ExecStartResultCallback()).awaitCompletion(10, TimeUnit.SECONDS);
	}

	private Tenant awaitObserved(String slug) {
		await().atMost(RECONCILE)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> store.find(slug)
				.filter(t -> t.generation() == t.observedGeneration() && t.status() != TenantStatus.SUSPENDED)
				.isPresent());
		return store.find(slug).orElseThrow();
	}

	private static String healthMessage(JsonNode tenant) {
		return StreamSupport.stream(tenant.get("conditions").spliterator(), false)
			.filter(c -> c.get("type").asText().equals("Healthy"))
			.findFirst()
			.orElseThrow()
			.get("message")
			.asText();
	}

	private static boolean answers200(int port) {
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
