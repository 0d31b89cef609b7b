package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.github.dockerjava.api.model.Container;

import io.tenantforge.support.LoginProbe;
import io.tenantforge.support.TestHost;
import io.tenantforge.support.TestHost.Result;
import io.tenantforge.tenant.TenantNames;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * The whole lifecycle in the isolated network mode, with the packaged control plane
 * itself running on a test host: a network namespace with its own Docker engine,
 * PostgreSQL and Redis (nothing of the machine's). Every request to the control plane and
 * every probe stays inside that namespace. Provision two tenants, suspend and resume one,
 * change its tier, remove its container by hand and let the sweep repair it, rotate its
 * credentials (where PostgreSQL checks passwords for real), delete it: each step through
 * the reconciler, on networks of their own, while the other tenant stays ACTIVE.
 */
class IsolatedLifecycleIT {

	private static final String HOST = "tflife";

	private static final int PORT = 18099;

	private static final String ADMIN_PASSWORD = "isolated-admin-password";

	private static final String POSTGRES_PASSWORD = "isolated-postgres-password";

	private static final String TENANTS_DATABASE = "tenantforge_tenants";

	private static final Path WORK = Path.of("target/isolated-lifecycle").toAbsolutePath();

	private TestHost host;

	private Process controlPlane;

	@BeforeEach
	void startHostAndControlPlane() throws Exception {
		FileSystemUtils.deleteRecursively(WORK);
		Files.createDirectories(WORK);
		host = TestHost.start(HOST, true);
		String address = host.servicesAddress();
		// the test host's PostgreSQL takes TCP logins with a password only
		// (scram-sha-256)
		ok(host.run(Duration.ofSeconds(20), "runuser", "-u", "postgres", "--", "psql", "-q", "-h",
				"/var/lib/" + HOST + "/postgres", "-U", "postgres", "-c",
				"ALTER ROLE postgres PASSWORD '" + POSTGRES_PASSWORD + "'"));
		String jar = System.getProperty("tenantforge.jar");
		List<String> command = new ArrayList<>(List.of("env", "TENANTFORGE_ADMIN_PASSWORD=" + ADMIN_PASSWORD,
				"TENANTFORGE_SECRET_KEY=aXNvbGF0ZWQtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=",
				"TENANTFORGE_BROKER_PASSWORD=isolated-broker-password", "java", "-Xmx384m", "-XX:TieredStopAtLevel=1",
				"-jar", jar, "--server.port=" + PORT,
				"--spring.datasource.url=jdbc:postgresql://" + address + ":" + host.postgresPort() + "/tenantforge",
				"--spring.datasource.password=" + POSTGRES_PASSWORD,
				"--tenantforge.database.url=jdbc:postgresql://" + address + ":" + host.postgresPort() + "/"
						+ TENANTS_DATABASE,
				"--tenantforge.database.password=" + POSTGRES_PASSWORD, "--tenantforge.database.tenant-host=" + address,
				"--spring.data.redis.host=" + address, "--tenantforge.cache.tenant-host=" + address,
				"--tenantforge.runtime.docker-host=" + host.dockerHost(), "--tenantforge.runtime.network=isolated",
				"--tenantforge.runtime.secrets-dir=" + WORK.resolve("secrets"),
				"--tenantforge.intake.orders-dir=" + WORK.resolve("orders"),
				"--tenantforge.database.archive-dir=" + WORK.resolve("archive"),
				"--spring.artemis.embedded.data-directory=" + WORK.resolve("artemis"),
				"--tenantforge.intake.broker-acceptor=tcp://127.0.0.1:61640?protocols=CORE,AMQP,STOMP",
				"--tenantforge.provisioning.resync-interval=1000",
				// the test asks for the sweeps it asserts on: a scheduled one could see
				// the removed container first and leave the manual one a tenant that is
				// already reconciling
				"--tenantforge.sweep.cron=0 0 0 1 1 ? 2099", "--tenantforge.backup.schedule-cron=0 0 0 1 1 ? 2099",
				"--logging.file.name=" + WORK.resolve("control-plane.log")));
		controlPlane = host.runInBackground(command.toArray(String[]::new));
		await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
			if (!controlPlane.isAlive()) {
				throw new IllegalStateException("the control plane exited; see " + WORK.resolve("control-plane.log"));
			}
			return curl("GET", "/actuator/health/readiness", null).output().startsWith("{\"status\":\"UP\"");
		});
	}

	@AfterEach
	void stopEverything() {
		if (controlPlane != null) {
			controlPlane.destroyForcibly();
		}
		if (host != null) {
			host.close();
		}
	}

	@Test
	void theLifecycleRunsOnNetworksOfTheirOwn() throws Exception {
		order("iso-a");
		order("iso-b");
		awaitStatus("iso-a", "ACTIVE");
		awaitStatus("iso-b", "ACTIVE");
		assertThat(networkOf("iso-a")).isEqualTo("tenant-iso-a-net");
		assertThat(networkOf("iso-b")).isEqualTo("tenant-iso-b-net");

		assertThat(curl("POST", "/api/v1/tenants/iso-a/suspend", null).output().strip()).endsWith("202");
		awaitStatus("iso-a", "SUSPENDED");
		assertThat(container("iso-a").getState()).isNotEqualTo("running");
		assertThat(curl("POST", "/api/v1/tenants/iso-a/resume", null).output().strip()).endsWith("202");
		awaitStatus("iso-a", "ACTIVE");

		assertThat(curl("PATCH", "/api/v1/tenants/iso-a", "{\"tier\":\"pro\"}").output().strip()).endsWith("202");
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> tenant("iso-a").contains("\"tier\":\"pro\"")
					&& tenant("iso-a").contains("\"status\":\"ACTIVE\""));
		assertThat(host.docker().inspectContainerCmd("tenant-iso-a").exec().getHostConfig().getMemory())
			.isEqualTo(128L * 1024 * 1024); // pro's memory

		// drift: the container removed by hand; the sweep hands the tenant to the
		// reconciler, which restores it
		String before = container("iso-a").getId();
		host.docker().removeContainerCmd("tenant-iso-a").withForce(true).exec();
		assertThat(curl("POST", "/api/v1/fleet/sweep", "").output()).contains("iso-a");
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> containers().containsKey("iso-a") && !container("iso-a").getId().equals(before)
					&& tenant("iso-a").contains("\"status\":\"ACTIVE\""));
		assertThat(networkOf("iso-a")).isEqualTo("tenant-iso-a-net");

		rotationUnderLoadLeavesTheOldPasswordsDead("iso-a");

		assertThat(curl("DELETE", "/api/v1/tenants/iso-a", null).output().strip()).endsWith("202");
		awaitStatus("iso-a", "DELETED");
		assertThat(containers()).doesNotContainKey("iso-a");
		assertThat(host.docker().listNetworksCmd().withNameFilter("tenant-iso-a-net").exec()).isEmpty();
		assertThat(tenant("iso-b")).contains("\"status\":\"ACTIVE\"");
		assertThat(container("iso-b").getState()).isEqualTo("running");
	}

	/**
	 * A credential rotation where PostgreSQL checks passwords for real (the test host's
	 * takes TCP logins with scram-sha-256 only, unlike this machine's, which trusts
	 * 127.0.0.1): a bounded load loop through the tenant's own connections fails no
	 * request meanwhile, and afterwards new logins with the old passwords are refused by
	 * PostgreSQL and Redis, with the new ones taken; the container, which re-reads its
	 * secret files, still logs in.
	 */
	private void rotationUnderLoadLeavesTheOldPasswordsDead(String slug) throws Exception {
		Path secrets = WORK.resolve("secrets").resolve(slug);
		String role = new TenantNames(slug).databaseRole();
		String oldDatabase = secret(secrets, "database_password");
		String oldRedis = secret(secrets, "redis_password");
		// the probe itself: the old passwords are taken before the rotation
		assertThat(postgresLogin(role, oldDatabase)).isEqualTo("OK");
		assertThat(redisLogin(role, oldRedis)).isEqualTo("OK");

		Path progress = WORK.resolve("load-progress");
		Path stop = WORK.resolve("load-stop");
		List<String> command = new ArrayList<>(TestHost.javaCommand(LoginProbe.class, org.postgresql.Driver.class,
				org.awaitility.Awaitility.class, org.hamcrest.Matcher.class));
		command.addAll(List.of("load", secrets.toString(), progress.toString(), stop.toString(), host.servicesAddress(),
				Integer.toString(host.postgresPort()), TENANTS_DATABASE, role, host.servicesAddress(),
				Integer.toString(host.redisPort()), "tenant:" + slug + ":load"));
		CompletableFuture<Result> load = CompletableFuture
			.supplyAsync(() -> host.run(Duration.ofSeconds(90), command.toArray(String[]::new)));
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> iterations(progress, load) >= 5);
			int before = iterations(progress, load);
			Result rotated = curl("POST", "/api/v1/tenants/" + slug + "/credentials/rotate", "");
			assertThat(rotated.output().strip()).as(rotated.output()).endsWith("200");
			int atRotation = iterations(progress, load);
			assertThat(atRotation - before).as("load iterations while the rotation ran").isPositive();
			await().atMost(Duration.ofSeconds(30)).until(() -> iterations(progress, load) >= atRotation + 5);
		}
		finally {
			Files.writeString(stop, "stop");
		}
		Result report = load.get(60, TimeUnit.SECONDS);
		assertThat(report.exitCode()).as(report.output()).isZero();
		assertThat(report.output()).as("the load loop's report").contains("ITERATIONS ").doesNotContain("FAILURE");
		System.out.println("Load loop across the rotation of " + slug + ": " + report.output().strip());

		String newDatabase = secret(secrets, "database_password");
		String newRedis = secret(secrets, "redis_password");
		assertThat(newDatabase).isNotEqualTo(oldDatabase);
		assertThat(newRedis).isNotEqualTo(oldRedis);
		assertThat(postgresLogin(role, oldDatabase)).as("a login with the old database password")
			.startsWith("REFUSED 28P01");
		assertThat(postgresLogin(role, newDatabase)).isEqualTo("OK");
		assertThat(redisLogin(role, oldRedis)).as("a login with the old Redis password")
			.startsWith("REFUSED WRONGPASS");
		assertThat(redisLogin(role, newRedis)).isEqualTo("OK");
		for (String secret : List.of(oldDatabase, oldRedis, newDatabase, newRedis)) {
			assertThat(tenant(slug)).doesNotContain(secret);
		}

		String endpoint = new ObjectMapper().readTree(tenant(slug).lines().findFirst().orElseThrow())
			.get("endpoint")
			.asText();
		assertThat(tenantRequest(endpoint + "/health")).isEqualTo("ok\n200");
		assertThat(tenantRequest(endpoint + "/redis-ping")).as("the container's Redis login after the rotation")
			.isEqualTo("PONG\n200");
	}

	private static int iterations(Path progress, CompletableFuture<Result> load) throws Exception {
		if (load.isDone()) {
			throw new IllegalStateException("the load loop ended early: " + load.get().output());
		}
		return Files.exists(progress) ? Integer.parseInt(Files.readString(progress).strip()) : 0;
	}

	/** A JDBC login inside the test host: OK, or REFUSED with the SQLState. */
	private String postgresLogin(String role, String password) {
		return probe(password, "postgres", host.servicesAddress(), Integer.toString(host.postgresPort()),
				TENANTS_DATABASE, role);
	}

	/** AUTH as the ACL user inside the test host: OK, or REFUSED with Redis's error. */
	private String redisLogin(String user, String password) {
		return probe(password, "redis", host.servicesAddress(), Integer.toString(host.redisPort()), user);
	}

	private String probe(String password, String... arguments) {
		List<String> command = new ArrayList<>(TestHost.javaCommand(LoginProbe.class, org.postgresql.Driver.class,
				org.awaitility.Awaitility.class, org.hamcrest.Matcher.class));
		command.addAll(List.of(arguments));
		Result result = host.run(Map.of("TF_PROBE_PASSWORD", password), Duration.ofSeconds(30),
				command.toArray(String[]::new));
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output().strip();
	}

	/**
	 * A request to the tenant's container from inside the test host: the body, then the
	 * status.
	 */
	private String tenantRequest(String url) {
		return host.run(Duration.ofSeconds(15), "curl", "-s", "-m", "10", "-w", "\n%{http_code}", url).output().strip();
	}

	private static String secret(Path secrets, String file) throws java.io.IOException {
		return Files.readString(secrets.resolve(file)).strip();
	}

	private void order(String slug) {
		assertThat(curl("POST", "/api/v1/tenants", anOrder().withName("Isolated " + slug).withSubdomain(slug).build())
			.output()
			.strip()).endsWith("202");
	}

	private void awaitStatus(String slug, String status) {
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(500))
			.until(() -> tenant(slug).contains("\"status\":\"" + status + "\""));
	}

	private String tenant(String slug) {
		return curl("GET", "/api/v1/tenants/" + slug, null).output();
	}

	private Map<String, Container> containers() {
		Map<String, Container> byTenant = new java.util.HashMap<>();
		host.docker()
			.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("io.tenantforge.managed-by", "tenantforge"))
			.exec()
			.forEach(c -> byTenant.put(c.getLabels().get("io.tenantforge.tenant"), c));
		return byTenant;
	}

	private Container container(String slug) {
		Container container = containers().get(slug);
		assertThat(container).as("container of %s", slug).isNotNull();
		return container;
	}

	private String networkOf(String slug) {
		return String.join(",",
				host.docker().inspectContainerCmd("tenant-" + slug).exec().getNetworkSettings().getNetworks().keySet());
	}

	/**
	 * A request to the control plane from inside the test host (its loopback): the status
	 * code, then the body.
	 */
	private Result curl(String method, String path, String body) {
		List<String> command = new ArrayList<>(List.of("curl", "-s", "-m", "10", "-u", "admin:" + ADMIN_PASSWORD, "-X",
				method, "-w", "\n%{http_code}", "http://127.0.0.1:" + PORT + path));
		if (body != null) {
			command.addAll(List.of("-H", "Content-Type: application/json", "--data-binary", body));
		}
		return host.run(Duration.ofSeconds(15), command.toArray(String[]::new));
	}

	private static void ok(Result result) {
		assertThat(result.exitCode()).as(result.output()).isZero();
	}

}
