package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantforge.cache.CacheProperties;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.provisioning.ServiceUrls;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.LocalSwarm;
import io.tenantforge.support.TestHost;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * The swarm driver on a real three-node swarm: three test hosts (network namespaces, each
 * with its own Docker engine advertising 3 tenant slots), joined by veth pairs to the
 * first (the manager, which also runs the tenants' PostgreSQL and Redis on its services
 * address, routed to from the others). Six tenants spread over the nodes with the
 * per-node cap kept; a drained node's tenants run again on the others and answer
 * {@code /health} there, none lost, none doubled; a tier that needs a node label lands
 * only on the labelled node, and one that no node qualifies for waits with the
 * scheduler's reason. Traffic only inside the namespaces the test made; everything
 * (swarm, engines, namespaces) is removed after the test, also when it fails.
 */
@IntegrationTest
class SwarmClusterTest {

	private static final int CAP = 3;

	private static final int FIRST_PORT = 23201;

	private static final Duration SETTLE = Duration.ofSeconds(90);

	private static final List<TestHost> hosts = new ArrayList<>();

	/** Swarm node id → the test host it is. */
	private static final Map<String, TestHost> nodes = new LinkedHashMap<>();

	@Autowired
	RuntimeProperties runtime;

	@Autowired
	TenantDatabaseProperties database;

	@Autowired
	TenantSecrets secrets;

	@Autowired
	ResourceLedger ledger;

	@Autowired
	TenantStore store;

	@Autowired
	TierCatalog tiers;

	@BeforeAll
	static void startThreeNodeSwarm() {
		try {
			for (String name : List.of("tfsw1", "tfsw2", "tfsw3")) {
				hosts.add(TestHost.start(name, name.equals("tfsw1"), "--node-resource", "tenant-slot=" + CAP));
			}
			TestHost manager = hosts.get(0);
			// veth links between the test's own namespaces (addresses that exist only
			// inside them, never on the
			// machine's namespace): manager 10.201.0.1 to the second host 10.201.0.2,
			// 10.201.1.1 to the third 10.201.1.2
			List<String> toSecond = manager.link(hosts.get(1), 0);
			List<String> toThird = manager.link(hosts.get(2), 1);
			for (int i = 1; i <= 2; i++) {
				TestHost worker = hosts.get(i);
				String via = (i == 1 ? toSecond : toThird).get(0);
				// the manager's services address is on its loopback: the workers reach it
				// through their link
				ok(worker.run(Duration.ofSeconds(10), "ip", "addr", "del", manager.servicesAddress() + "/32", "dev",
						"lo"));
				ok(worker.run(Duration.ofSeconds(10), "ip", "route", "add", manager.servicesAddress() + "/32", "via",
						via));
				if (i == 2) {
					// the manager advertises its first link's address: the third host
					// reaches it through its own link
					ok(worker.run(Duration.ofSeconds(10), "ip", "route", "add", "10.201.0.0/24", "via", via));
				}
			}
			docker(manager, "swarm", "init", "--advertise-addr", toSecond.get(0));
			String token = docker(manager, "swarm", "join-token", "-q", "worker").strip();
			docker(hosts.get(1), "swarm", "join", "--token", token, "--advertise-addr", toSecond.get(1),
					toSecond.get(0) + ":2377");
			docker(hosts.get(2), "swarm", "join", "--token", token, "--advertise-addr", toThird.get(1),
					toSecond.get(0) + ":2377");
			for (TestHost host : hosts) {
				nodes.put(docker(host, "info", "--format", "{{.Swarm.NodeID}}").strip(), host);
			}
			await().atMost(Duration.ofSeconds(60))
				.until(() -> docker(manager, "node", "ls", "--format", "{{.Status}}").lines()
					.filter("Ready"::equals)
					.count() == 3);
		}
		catch (RuntimeException | Error e) {
			removeSwarm();
			throw e;
		}
	}

	@AfterAll
	static void removeSwarm() {
		// test-host.sh down leaves the swarm, stops the engine and removes the namespace
		hosts.forEach(TestHost::close);
	}

	@Test
	void tenantsSpreadWithinTheCapMoveOffADrainedNodeAndHonourNodeLabels() {
		SwarmDriver driver = driverOnTheManager();
		List<Tenant> fleet = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			fleet.add(tenant("swc-" + i, "basic", FIRST_PORT + i));
		}
		Tenant dedicated = tenant("swc-dedicated", "dedicated", FIRST_PORT + 6);
		Tenant nowhere = tenant("swc-nowhere", "nowhere", FIRST_PORT + 7);
		List<Tenant> all = new ArrayList<>(fleet);
		all.addAll(List.of(dedicated, nowhere));
		forget(all);
		try {
			for (Tenant tenant : fleet) {
				givenTheManagersRedisKnows(tenant);
				assertThat(driver.ensure(tenant, tiersWithNodeLabels().get("basic"))).isEqualTo(tenant.port());
			}
			Map<String, String> placed = awaitAllServing(driver, fleet);
			Map<String, Long> perNode = placed.values()
				.stream()
				.collect(Collectors.groupingBy(n -> n, Collectors.counting()));
			assertThat(perNode.values()).allMatch(count -> count <= CAP);
			assertThat(perNode).as("spread over the nodes: %s", placed).hasSize(3);
			assertThat(driver.nodes()).allSatisfy(node -> assertThat(node.slots()).isEqualTo(CAP));

			// drain the node with the most tenants: they run again on the others, within
			// the cap
			String drained = perNode.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
			docker(hosts.get(0), "node", "update", "--availability", "drain", drained);
			// the drain takes effect task by task: wait until every tenant serves once
			// and none on the drained node
			Map<String, String> after = awaitAllServing(driver, fleet, drained);
			assertThat(after.values()).doesNotContain(drained);
			assertThat(after.values().stream().collect(Collectors.groupingBy(n -> n, Collectors.counting())).values())
				.allMatch(count -> count <= CAP);
			for (Tenant tenant : fleet) {
				assertThat(runningTasks(driver, tenant)).as("tasks of %s", tenant.id()).isEqualTo(1);
			}
			docker(hosts.get(0), "node", "update", "--availability", "active", drained);

			// a tier needing a node label: only the labelled node runs it
			docker(hosts.get(0), "node", "update", "--label-add", "tier=enterprise", drained);
			givenTheManagersRedisKnows(dedicated);
			driver.ensure(dedicated, tiersWithNodeLabels().get("dedicated"));
			assertThat(awaitAllServing(driver, List.of(dedicated))).containsEntry(dedicated.id(), drained);

			// a tier no node qualifies for: the tenant waits, with the scheduler's reason
			givenTheManagersRedisKnows(nowhere);
			assertThatThrownBy(() -> driver.ensure(nowhere, tiersWithNodeLabels().get("nowhere")))
				.isInstanceOf(UnschedulableException.class)
				.hasMessageContaining("no suitable node");
			assertThat(driver.listManaged()).filteredOn(c -> c.tenant().equals(nowhere.id()))
				.singleElement()
				.satisfies(c -> {
					assertThat(c.running()).isFalse();
					assertThat(c.status()).contains("no suitable node");
				});
		}
		finally {
			all.forEach(driver::remove);
			forget(all);
		}
		assertThat(driver.listManaged()).isEmpty();
		assertThat(driver.engine().secrets(Map.of(ContainerSpecs.LABEL_MANAGED_BY, ContainerSpecs.MANAGED_BY)))
			.isEmpty();
	}

	/**
	 * Waits until each tenant has exactly one running task and answers {@code /health} on
	 * its node's loopback; tenant id → node id.
	 */
	private Map<String, String> awaitAllServing(SwarmDriver driver, List<Tenant> tenants) {
		return awaitAllServing(driver, tenants, null);
	}

	/**
	 * Every tenant with exactly one running task answering /health, none of them on
	 * {@code avoided} (if given).
	 */
	private Map<String, String> awaitAllServing(SwarmDriver driver, List<Tenant> tenants, String avoided) {
		Map<String, String> placed = new HashMap<>();
		try {
			await().atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).until(() -> {
				placed.clear();
				for (Tenant tenant : tenants) {
					List<JsonNode> running = driver.engine()
						.tasks(tenant.names().containerName())
						.stream()
						.filter(SwarmClusterTest::runs)
						.toList();
					if (running.size() != 1) {
						return false;
					}
					String node = running.get(0).path("NodeID").asText();
					if (node.equals(avoided)) {
						return false;
					}
					TestHost host = nodes.get(node);
					if (host == null || !host
						.run(Duration.ofSeconds(5), "curl", "-s", "-m", "2",
								"http://127.0.0.1:" + tenant.port() + "/health")
						.output()
						.strip()
						.equals("ok")) {
						return false;
					}
					placed.put(tenant.id(), node);
				}
				return true;
			});
		}
		catch (org.awaitility.core.ConditionTimeoutException e) {
			throw new AssertionError("not every tenant serves once: " + placed + "\n"
					+ docker(hosts.get(0), "service", "ps", "--no-trunc",
							tenants.stream().map(t -> t.names().containerName()).collect(Collectors.joining(" "))),
					e);
		}
		return placed;
	}

	private static long runningTasks(SwarmDriver driver, Tenant tenant) {
		return driver.engine().tasks(tenant.names().containerName()).stream().filter(SwarmClusterTest::runs).count();
	}

	/**
	 * A task whose container runs: running, or starting (Docker's first health check
	 * still due).
	 */
	private static boolean runs(JsonNode task) {
		String state = task.path("Status").path("State").asText();
		return state.equals("running") || state.equals("starting");
	}

	/**
	 * The control plane's swarm driver with this context's ledger and secrets, on the
	 * test swarm's manager.
	 */
	private SwarmDriver driverOnTheManager() {
		TestHost manager = hosts.get(0);
		RuntimeProperties onSwarm = new RuntimeProperties();
		onSwarm.setDockerHost(manager.dockerHost());
		onSwarm.setDriver(RuntimeProperties.Driver.SWARM);
		onSwarm.setImage(runtime.getImage());
		onSwarm.setUser(runtime.getUser());
		onSwarm.getSwarm().setMaxTenantsPerNode(CAP);
		onSwarm.getSwarm().setPlacementWait(Duration.ofSeconds(5));
		TenantDatabaseProperties onTheManager = new TenantDatabaseProperties(database.url(), database.username(),
				database.password(), manager.servicesAddress(), manager.postgresPort(), null, false, null, null);
		CacheProperties cache = new CacheProperties(manager.servicesAddress(), manager.redisPort());
		return new SwarmDriver(new SwarmEngine(manager.dockerHost()), onSwarm, new ServiceUrls(onTheManager, cache),
				new PortAllocator(store, onSwarm), secrets, ledger, tiersWithNodeLabels());
	}

	/**
	 * The configured tiers plus two that need node labels: one a node can be given, one
	 * none has.
	 */
	private TierCatalog tiersWithNodeLabels() {
		Tier basic = tiers.get("basic");
		Map<String, Tier> all = new HashMap<>(tiers.tiers());
		all.put("dedicated", withNodeLabels(basic, Map.of("tier", "enterprise")));
		all.put("nowhere", withNodeLabels(basic, Map.of("tier", "gpu")));
		return new TierCatalog(all);
	}

	private static Tier withNodeLabels(Tier tier, Map<String, String> labels) {
		return new Tier(tier.cpus(), tier.memory(), tier.cpuReservation(), tier.memoryReservation(), tier.pidsLimit(),
				tier.postgresConnectionLimit(), tier.postgresStatementTimeout(), tier.healthStartPeriod(),
				tier.runtimeUser(), labels);
	}

	private static Tenant tenant(String slug, String tier, int port) {
		Instant now = Instant.now();
		return new Tenant(slug, slug, tier, DesiredState.ACTIVE, TenantStatus.PROVISIONING, 1, 0, port, List.of(), null,
				0, now, null, now, now);
	}

	/**
	 * The tenant's ACL user in the manager's Redis (the cache step's job, whose Redis is
	 * the machine's).
	 */
	private void givenTheManagersRedisKnows(Tenant tenant) {
		TestHost manager = hosts.get(0);
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.REDIS_PASSWORD);
		TestHost.Result result = manager.run(Duration.ofSeconds(10), "redis-cli", "-h", manager.servicesAddress(), "-p",
				Integer.toString(manager.redisPort()), "ACL", "SETUSER", tenant.names().redisUser(), "reset", "on",
				">" + password, "~" + tenant.names().redisPattern(), "resetchannels", "+@all", "-@dangerous");
		assertThat(result.output().strip()).as(result.output()).isEqualTo("OK");
	}

	private void forget(List<Tenant> tenants) {
		for (Tenant tenant : tenants) {
			ledger.ownedBy(tenant.id()).forEach(r -> ledger.release(tenant.id(), r.kind(), r.name()));
			secrets.forget(tenant.id());
		}
	}

	private static String docker(TestHost host, String... arguments) {
		List<String> line = new ArrayList<>(List.of("-H", host.dockerHost()));
		line.addAll(List.of(arguments));
		return LocalSwarm.docker(line.toArray(String[]::new));
	}

	private static void ok(TestHost.Result result) {
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

}
