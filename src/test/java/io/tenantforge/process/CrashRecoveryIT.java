package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash safety of the reconciler: the packaged control plane is killed with SIGKILL at
 * every step boundary of provisioning and of deprovisioning (the test hook
 * {@code tenantforge.provisioning.halt-after-step} stops it dead there), started again,
 * and the tenant converges with exactly one of each resource, or none, and nothing
 * orphaned.
 */
class CrashRecoveryIT {

	private static final String TENANT = "crashy";

	private static final Duration STEP = Duration.ofSeconds(90);

	private final ServicePurge purge = ControlPlaneProcess.purge();

	private final JdbcTemplate controlPlane = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.CONTROL_PLANE_DB, "postgres", ""));

	private final JdbcTemplate tenants = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.TENANTS_DB, "postgres", ""));

	private final RedisCommands<String, String> redis = RedisClient.create(RedisURI.create("127.0.0.1", 6379))
		.connect()
		.sync();

	private final DockerClient docker = ControlPlaneProcess.docker();

	@BeforeEach
	@AfterEach
	void clean() {
		purge.purge(TENANT);
	}

	@Test
	void provisioningAndDeprovisioningConvergeAfterSigkillAtEveryStepBoundary() {
		try (ControlPlaneProcess first = ControlPlaneProcess.start(halt("database"))) {
			assertThat(first.post("/api/v1/tenants", anOrder().withName("Crashy").withSubdomain(TENANT).build())
				.statusCode()).isEqualTo(202);
			first.awaitLog(halted("database"), STEP);
			first.kill();
		}
		for (String boundary : List.of("cache", "container", "health")) {
			try (ControlPlaneProcess next = ControlPlaneProcess.start(halt(boundary))) {
				next.awaitLog(halted(boundary), STEP);
				next.kill();
			}
		}
		try (ControlPlaneProcess healthy = ControlPlaneProcess.start(halt("archive"))) {
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> healthy.status(TENANT).equals("ACTIVE"));
			assertExactlyOneOfEach();

			assertThat(healthy.delete("/api/v1/tenants/" + TENANT).statusCode()).isEqualTo(202);
			healthy.awaitLog(halted("archive"), STEP);
			healthy.kill();
		}
		for (String boundary : List.of("remove-container", "remove-cache", "remove-database")) {
			try (ControlPlaneProcess next = ControlPlaneProcess.start(halt(boundary))) {
				next.awaitLog(halted(boundary), STEP);
				next.kill();
			}
		}
		try (ControlPlaneProcess last = ControlPlaneProcess.start()) {
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> last.status(TENANT).equals("DELETED"));
			assertNothingLeft();
		}
	}

	private void assertExactlyOneOfEach() {
		assertThat(tenants.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = 'tenant_crashy'", Long.class))
			.isEqualTo(1);
		assertThat(
				tenants.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_crashy'", Long.class))
			.isEqualTo(1);
		assertThat(redis.aclUsers()).containsOnlyOnce("tenant_crashy");
		assertThat(containers()).hasSize(1);
		assertThat(controlPlane.queryForList("SELECT kind FROM tenant_resources WHERE tenant_id = ? ORDER BY kind",
				String.class, TENANT))
			.containsExactly("container", "database-role", "database-schema", "redis-user", "secret-dir");
		assertThat(controlPlane.queryForObject("SELECT count(*) FROM tenants WHERE port IS NOT NULL AND id = ?",
				Long.class, TENANT))
			.isEqualTo(1);
	}

	private void assertNothingLeft() {
		assertThat(tenants.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = 'tenant_crashy'", Long.class))
			.isZero();
		assertThat(
				tenants.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_crashy'", Long.class))
			.isZero();
		assertThat(redis.aclUsers()).doesNotContain("tenant_crashy");
		assertThat(redis.keys("tenant:crashy:*")).isEmpty();
		assertThat(containers()).isEmpty();
		assertThat(controlPlane.queryForObject("SELECT count(*) FROM tenant_resources WHERE tenant_id = ?", Long.class,
				TENANT))
			.isZero();
		assertThat(ControlPlaneProcess.WORK_DIR.resolve("secrets").resolve(TENANT)).doesNotExist();
		assertThat(Path.of("target/process/archive"))
			.isDirectoryContaining(p -> p.getFileName().toString().startsWith(TENANT + "-"));
	}

	private List<?> containers() {
		return docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("io.tenantforge.tenant", TENANT))
			.exec();
	}

	private static String halt(String step) {
		return "--tenantforge.provisioning.halt-after-step=" + step;
	}

	private static String halted(String step) {
		return "halted after step " + step + " of tenant " + TENANT;
	}

}
