package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Network;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantforge.cache.CacheProperties;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.provisioning.ServiceUrls;
import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TestHost;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The isolated network mode on a real test host (a network namespace with its own Docker
 * engine, PostgreSQL and Redis: {@code scripts/test-host.sh}). The control plane's
 * container step, pointed at that engine, provisions two tenants; from inside tenant A's
 * container its PostgreSQL and Redis answer, while tenant B's port, the control plane's
 * and the broker's ports (stand-ins listening on the test host's loopback, as the real
 * ones do on theirs) and the engine's API are out of reach; from the test host itself A's
 * {@code /health} answers through the published port. Then suspend, tier change and
 * delete in this mode, which must leave no network behind.
 * <p>
 * Everything it connects to is 127.0.0.1 or an address inside the namespace it made; the
 * namespace, engine and data directories are removed after the test, also when it fails
 * (and by a shutdown hook if the JVM is killed).
 */
@IntegrationTest
class IsolatedNetworkTest {

	private static final String HOST_NAME = "tfiso";

	private static final String A = "netiso-a";

	private static final String B = "netiso-b";

	private static final int PORT_A = 23101;

	private static final int PORT_B = 23102;

	/**
	 * Stand-ins on the test host's loopback: where the control plane (server.address) and
	 * the broker listen.
	 */
	private static final int CONTROL_PLANE_PORT = 8080;

	private static final int BROKER_PORT = 61616;

	private static final Duration PROBE = Duration.ofSeconds(30);

	private static TestHost host;

	@Autowired
	RuntimeProperties runtime;

	@Autowired
	TenantDatabaseProperties database;

	@Autowired
	SecretFiles secretFiles;

	@Autowired
	TenantSecrets secrets;

	@Autowired
	ResourceLedger ledger;

	@Autowired
	TenantStore store;

	@Autowired
	TierCatalog tiers;

	@BeforeAll
	static void startTestHost() {
		host = TestHost.start(HOST_NAME, true);
		// the machine's static busybox wget segfaults when run in the namespace: python3,
		// curl and bash there
		host.runInBackground("python3", "-m", "http.server", "--bind", "127.0.0.1",
				Integer.toString(CONTROL_PLANE_PORT));
		host.runInBackground("python3", "-m", "http.server", "--bind", "127.0.0.1", Integer.toString(BROKER_PORT));
	}

	@AfterAll
	static void removeTestHost() {
		if (host != null) {
			host.close();
		}
	}

	@Test
	void aTenantOnItsOwnNetworkReachesItsDatabaseAndCacheAndNothingElse() {
		TenantContainerProvisioner containers = isolatedProvisionerOnTheTestHost();
		Tenant a = tenant(A, "basic", PORT_A);
		Tenant b = tenant(B, "basic", PORT_B);
		forget(a, b);
		try {
			givenTheTestHostsRedisKnows(a);
			givenTheTestHostsRedisKnows(b);
			assertThat(containers.ensure(a, tiers.get("basic"))).isEqualTo(PORT_A);
			assertThat(containers.ensure(b, tiers.get("basic"))).isEqualTo(PORT_B);

			Network networkA = host.docker().inspectNetworkCmd().withNetworkId(a.names().networkName()).exec();
			assertThat(networkA.getLabels()).containsEntry(TenantContainerProvisioner.LABEL_TENANT, A)
				.containsEntry(TenantContainerProvisioner.LABEL_MANAGED_BY, TenantContainerProvisioner.MANAGED_BY);
			assertThat(networkA.getOptions()).containsEntry("com.docker.network.bridge.enable_icc", "false")
				.containsEntry("com.docker.network.bridge.enable_ip_masquerade", "false");
			assertThat(ledger.owns(A, ResourceKind.NETWORK, a.names().networkName())).isTrue();

			String containerA = a.names().containerName();
			// from the test host itself, through the port published on its loopback
			awaitHealthFromTheTestHost(containerA, PORT_A);
			awaitHealthFromTheTestHost(b.names().containerName(), PORT_B);
			// the smoke tenant logged in to the test host's Redis as its own user and
			// wrote its key
			assertThat(redisCli("EXISTS", "tenant:" + A + ":smoke:started").strip()).isEqualTo("1");

			String gatewayA = networkA.getIpam().getConfig().get(0).getGateway();
			String addressB = address(host.docker().inspectContainerCmd(b.names().containerName()).exec(),
					b.names().networkName());
			String services = host.servicesAddress();

			assertThat(host.execIn(containerA, PROBE, "/bin/busybox", "sh", "-c",
					"printf '\\000\\000\\000\\010\\004\\322\\026\\057' | /bin/busybox timeout 4 /bin/busybox nc -w 3 "
							+ services + " " + host.postgresPort()))
				.as("PostgreSQL answers A's SSLRequest")
				.isEqualTo("N");
			assertThat(host.execIn(containerA, PROBE, "/bin/busybox", "sh", "-c",
					"printf 'PING\\r\\n' | /bin/busybox timeout 4 /bin/busybox nc -w 3 " + services + " "
							+ host.redisPort()))
				.as("Redis answers A")
				.startsWith("+PONG");

			// the stand-ins and B's port do answer inside the test host: what A cannot
			// reach exists
			assertThat(reachableFromTheTestHost("127.0.0.1", CONTROL_PLANE_PORT)).isTrue();
			assertThat(reachableFromTheTestHost("127.0.0.1", BROKER_PORT)).isTrue();
			assertThat(reachableFromTheTestHost(addressB, PORT_B)).isTrue();

			Map<String, Boolean> fromA = reachableFrom(containerA,
					List.of(addressB + ":" + PORT_B, gatewayA + ":" + PORT_B, services + ":" + PORT_B,
							"127.0.0.1:" + PORT_B, gatewayA + ":" + CONTROL_PLANE_PORT,
							services + ":" + CONTROL_PLANE_PORT, "127.0.0.1:" + CONTROL_PLANE_PORT,
							gatewayA + ":" + BROKER_PORT, services + ":" + BROKER_PORT, "127.0.0.1:" + BROKER_PORT,
							gatewayA + ":2375", services + ":2375", gatewayA + ":2376",
							services + ":" + host.postgresPort()));
			assertThat(fromA).as("what tenant A's container reaches")
				.containsEntry(services + ":" + host.postgresPort(), true);
			fromA.remove(services + ":" + host.postgresPort());
			assertThat(fromA).as("what tenant A's container reaches")
				.allSatisfy((target, open) -> assertThat(open).as(target).isFalse());
			assertThat(host
				.execIn(containerA, PROBE, "/bin/busybox", "sh", "-c",
						"[ -e /var/run/docker.sock ] || [ -e /run/docker.sock ] && echo socket || echo none")
				.strip()).as("no engine socket in A").isEqualTo("none");

			// lifecycle in this mode: suspend, resume with another tier, delete
			containers.stop(a);
			assertThat(running(containerA)).isFalse();
			await().atMost(PROBE).until(() -> !reachableFromTheTestHost("127.0.0.1", PORT_A));
			Tenant proA = tenant(A, "pro", PORT_A);
			assertThat(containers.ensure(proA, tiers.get("pro"))).isEqualTo(PORT_A);
			assertThat(host.docker().inspectContainerCmd(containerA).exec().getHostConfig().getMemory())
				.isEqualTo(tiers.get("pro").memory().toBytes());
			awaitHealthFromTheTestHost(containerA, PORT_A);

			containers.remove(proA);
			assertThat(containers.listManaged()).noneMatch(c -> c.tenant().equals(A));
			assertThat(host.docker().listNetworksCmd().withNameFilter(a.names().networkName()).exec())
				.noneMatch(n -> n.getName().equals(a.names().networkName()));
			assertThat(ledger.ownedBy(A)).isEmpty();
			awaitHealthFromTheTestHost(b.names().containerName(), PORT_B); // B never
																			// noticed
		}
		finally {
			containers.remove(a);
			containers.remove(b);
			forget(a, b);
		}
	}

	/**
	 * The control plane's container step with this context's ledger, secrets and folders,
	 * on the test host.
	 */
	private TenantContainerProvisioner isolatedProvisionerOnTheTestHost() {
		RuntimeProperties isolated = new RuntimeProperties();
		isolated.setDockerHost(host.dockerHost());
		isolated.setNetwork(NetworkMode.ISOLATED);
		isolated.setImage(runtime.getImage());
		isolated.setSecretsDir(runtime.getSecretsDir());
		isolated.setUser(runtime.getUser());
		TenantDatabaseProperties onTheTestHost = new TenantDatabaseProperties(database.url(), database.username(),
				database.password(), host.servicesAddress(), host.postgresPort(), null, false, null, null);
		CacheProperties cache = new CacheProperties(host.servicesAddress(), host.redisPort());
		return new TenantContainerProvisioner(host.docker(), isolated, new ServiceUrls(onTheTestHost, cache),
				new PortAllocator(store, isolated), secretFiles, secrets, ledger);
	}

	private static Tenant tenant(String slug, String tier, int port) {
		Instant now = Instant.now();
		return new Tenant(slug, slug, tier, DesiredState.ACTIVE, TenantStatus.PROVISIONING, 1, 0, port, List.of(), null,
				0, now, null, now, now);
	}

	/**
	 * The tenant's ACL user in the test host's Redis (the cache step's job; its Redis is
	 * the machine's).
	 */
	private void givenTheTestHostsRedisKnows(Tenant tenant) {
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.REDIS_PASSWORD);
		assertThat(redisCli("ACL", "SETUSER", tenant.names().redisUser(), "reset", "on", ">" + password,
				"~" + tenant.names().redisPattern(), "resetchannels", "+@all", "-@dangerous")
			.strip()).isEqualTo("OK");
	}

	private String redisCli(String... command) {
		List<String> line = new java.util.ArrayList<>(
				List.of("redis-cli", "-h", host.servicesAddress(), "-p", Integer.toString(host.redisPort())));
		line.addAll(List.of(command));
		TestHost.Result result = host.run(Duration.ofSeconds(10), line.toArray(String[]::new));
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output();
	}

	private void awaitHealthFromTheTestHost(String container, int port) {
		try {
			await().atMost(PROBE)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> host
					.run(Duration.ofSeconds(5), "curl", "-s", "-m", "2", "http://127.0.0.1:" + port + "/health")
					.output()
					.strip()
					.equals("ok"));
		}
		catch (org.awaitility.core.ConditionTimeoutException e) {
			throw new AssertionError("/health of " + container + " on the test host's 127.0.0.1:" + port
					+ " did not answer: "
					+ host.run(Duration.ofSeconds(5), "curl", "-sS", "-m", "2", "http://127.0.0.1:" + port + "/health")
						.output()
					+ "\ncontainer state: " + host.docker().inspectContainerCmd(container).exec().getState()
					+ "\nits log:\n" + host.logsOf(container), e);
		}
	}

	private boolean reachableFromTheTestHost(String address, int port) {
		return host
			.run(Duration.ofSeconds(6), "timeout", "4", "bash", "-c", "exec 3<>/dev/tcp/$0/$1", address,
					Integer.toString(port))
			.exitCode() == 0;
	}

	/**
	 * Connect-only probes from inside a container, each bounded (refused at once, dropped
	 * after 3 s).
	 */
	private Map<String, Boolean> reachableFrom(String container, List<String> targets) {
		String script = "for t in " + String.join(" ", targets) + "; do "
				+ "if /bin/busybox timeout 4 /bin/busybox nc -w 3 ${t%:*} ${t##*:} -e /bin/busybox true "
				+ "</dev/null >/dev/null 2>&1; then echo \"$t open\"; else echo \"$t shut\"; fi; done";
		String output = host.execIn(container, Duration.ofSeconds(5L * targets.size() + 10), "/bin/busybox", "sh", "-c",
				script);
		Map<String, Boolean> reachable = new LinkedHashMap<>();
		output.lines()
			.map(l -> l.split(" "))
			.filter(p -> p.length == 2)
			.forEach(p -> reachable.put(p[0], p[1].equals("open")));
		assertThat(reachable.keySet()).as(output).containsExactlyInAnyOrderElementsOf(targets);
		return reachable;
	}

	private boolean running(String container) {
		return Boolean.TRUE.equals(host.docker().inspectContainerCmd(container).exec().getState().getRunning());
	}

	private static String address(InspectContainerResponse container, String network) {
		return container.getNetworkSettings().getNetworks().get(network).getIpAddress();
	}

	/**
	 * Drops what an earlier, killed run may have left in the ownership record and the
	 * secrets.
	 */
	private void forget(Tenant... tenants) {
		for (Tenant tenant : tenants) {
			ledger.ownedBy(tenant.id()).forEach(r -> ledger.release(tenant.id(), r.kind(), r.name()));
			secretFiles.remove(tenant.names());
			secrets.forget(tenant.id());
		}
	}

}
