package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.github.dockerjava.api.DockerClient;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ExternalBroker;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Three packaged control planes on one PostgreSQL and one external broker, fed over REST
 * (all three), the queue and the shared folder, one of them SIGKILLed and started again
 * in the middle; then the broker itself crashes in the middle of a burst. Every order
 * becomes exactly one tenant with exactly one of each resource, no two tenants share a
 * port, nothing is left half-done, and the sweep runs once per tick across the cluster.
 */
class SeveralControlPlanesIT {

	/**
	 * Orders of the first test; 200 by default ({@code -Dtenantforge.it.orders=…} for a
	 * quick run).
	 */
	private static final int ORDERS = Integer.getInteger("tenantforge.it.orders", 200);

	private static final String[] CLUSTER = { "--spring.artemis.mode=native",
			"--spring.artemis.broker-url=" + ExternalBroker.URL, "--spring.artemis.embedded.enabled=false",
			"--tenantforge.sweep.cron=0/2 * * * * ?",
			"--spring.quartz.properties.org.quartz.jobStore.clusterCheckinInterval=1000",
			// Docker's own exec health check is slowed down: hundreds of them saturate 2
			// cores (README, dense hosts)
			"--tenantforge.runtime.health-check-interval=600s" };

	private final ServicePurge purge = ControlPlaneProcess.purge();

	private final JdbcTemplate controlPlaneDb = ControlPlaneProcess.controlPlaneDatabase();

	private final JdbcTemplate tenantsDb = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.TENANTS_DB, "postgres", ""));

	private final DockerClient docker = ControlPlaneProcess.docker();

	@BeforeEach
	@AfterEach
	void clean() {
		// a control-plane database no instance has migrated yet has no tenants table, and
		// nothing to purge
		if (Boolean.TRUE
			.equals(controlPlaneDb.queryForObject("SELECT to_regclass('tenants') IS NOT NULL", Boolean.class))) {
			purge.purge(controlPlaneDb.queryForList("SELECT id FROM tenants WHERE id LIKE 'multi-%'", String.class)
				.toArray(String[]::new));
		}
		purge.purge(IntStream.range(0, ORDERS).mapToObj(SeveralControlPlanesIT::slug).toArray(String[]::new));
	}

	@Test
	void ordersOverEveryChannelAndInstanceBecomeOneTenantEachThroughAKilledInstance() throws Exception {
		List<String> slugs = IntStream.range(0, ORDERS).mapToObj(SeveralControlPlanesIT::slug).toList();
		Instant started = Instant.now();
		try (ExternalBroker broker = ExternalBroker.start()) {
			List<ControlPlaneProcess> nodes = new ArrayList<>();
			try {
				for (int node = 0; node < 3; node++) {
					nodes.add(ControlPlaneProcess.startNode(node, CLUSTER));
				}
				for (int i = 0; i < slugs.size(); i++) {
					if (i == slugs.size() / 2) {
						nodes.get(1).kill(); // in the middle of the burst
						nodes.set(1, ControlPlaneProcess.startNode(1, CLUSTER));
					}
					order(i, slugs.get(i), nodes);
				}
				await().atMost(Duration.ofMinutes(10))
					.pollInterval(Duration.ofSeconds(2))
					.until(() -> count("status = 'ACTIVE'") == slugs.size());

				assertThat(count("status NOT IN ('ACTIVE')")).as("tenants not ACTIVE").isZero();
				assertExactlyOneOfEach(slugs);
				List<Map<String, Object>> sweeps = controlPlaneDb.queryForList(
						"SELECT scheduled_at FROM fleet_sweeps WHERE trigger = 'schedule' AND started_at >= ?",
						Timestamp.from(started));
				assertThat(sweeps).isNotEmpty().extracting(s -> s.get("scheduled_at")).doesNotHaveDuplicates();
			}
			finally {
				nodes.forEach(ControlPlaneProcess::close);
			}
		}
	}

	@Test
	void aBrokerCrashInTheMiddleOfABurstLosesAndDoublesNoOrder() {
		List<String> slugs = IntStream.range(0, 30).mapToObj(i -> "multi-broker-" + i).toList();
		try (ExternalBroker broker = ExternalBroker.start();
				ControlPlaneProcess first = ControlPlaneProcess.startNode(0, CLUSTER);
				ControlPlaneProcess second = ControlPlaneProcess.startNode(1, CLUSTER)) {
			for (int i = 0; i < slugs.size(); i++) {
				if (i == slugs.size() / 2) {
					broker.restart(); // SIGKILL: durable orders already sent must survive
										// in its journal
				}
				OutsideBroker.send(ExternalBroker.URL, OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD,
						"tenant.orders", anOrder().withName("Broker " + i).withSubdomain(slugs.get(i)).build());
			}
			await().atMost(Duration.ofMinutes(4))
				.pollInterval(Duration.ofSeconds(1))
				.until(() -> count("id LIKE 'multi-broker-%' AND status = 'ACTIVE'") == slugs.size());
			assertExactlyOneOfEach(slugs);
		}
	}

	/** Round-robin over REST on each instance, the queue and the shared folder. */
	private static void order(int i, String slug, List<ControlPlaneProcess> nodes) throws IOException {
		String body = anOrder().withName("Multi " + i).withSubdomain(slug).build();
		switch (i % 5) {
			case 0, 1, 2 -> assertThat(nodes.get(i % 3).post("/api/v1/tenants", body).statusCode()).isEqualTo(202);
			case 3 -> OutsideBroker.send(ExternalBroker.URL, OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD,
					"tenant.orders", body);
			default -> {
				Path inbox = ControlPlaneProcess.WORK_DIR.resolve("orders/inbox");
				Path staged = Files.writeString(inbox.getParent().resolve(slug + ".json.staged"), body);
				Files.move(staged, inbox.resolve(slug + ".json"));
			}
		}
	}

	private void assertExactlyOneOfEach(List<String> slugs) {
		Map<String, Long> containers = docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("io.tenantforge.managed-by", "tenantforge"))
			.exec()
			.stream()
			.map(c -> c.getLabels().get("io.tenantforge.tenant"))
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		List<String> roles = tenantsDb
			.queryForList("SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_multi\\_%'", String.class);
		List<String> schemas = tenantsDb
			.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_multi\\_%'", String.class);
		List<String> aclUsers;
		try (RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
				var redis = client.connect()) {
			aclUsers = redis.sync().aclUsers();
		}
		for (String slug : slugs) {
			String name = "tenant_" + slug.replace('-', '_');
			assertThat(containers.get(slug)).as("containers of %s", slug).isEqualTo(1L);
			assertThat(roles).as("role of %s", slug).containsOnlyOnce(name);
			assertThat(schemas).as("schema of %s", slug).containsOnlyOnce(name);
			assertThat(aclUsers).as("ACL user of %s", slug).containsOnlyOnce(name);
		}
		assertThat(controlPlaneDb.queryForList(
				"SELECT port FROM tenants WHERE port IS NOT NULL GROUP BY port HAVING count(*) > 1", Integer.class))
			.as("ports held by two tenants")
			.isEmpty();
	}

	private long count(String where) {
		return controlPlaneDb.queryForObject("SELECT count(*) FROM tenants WHERE id LIKE 'multi-%' AND " + where,
				Long.class);
	}

	private static String slug(int i) {
		return "multi-" + i;
	}

}
