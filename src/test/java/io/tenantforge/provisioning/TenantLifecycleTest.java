package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import io.lettuce.core.RedisConnectionException;

import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.support.TenantFixtures.TenantRedis;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Suspend, resume, tier change and deprovision, each checked in Docker, PostgreSQL and
 * Redis.
 */
@IntegrationTest
class TenantLifecycleTest {

	private static final Duration RECONCILE = Duration.ofSeconds(60);

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	TenantDatabaseProperties database;

	@BeforeEach
	void provisionWayne() throws Exception {
		fixtures.purge("wayne", "legacy");
		dropForeignLegacy();
		assertThat(api.postOrder(anOrder().withName("Wayne Enterprises").withSubdomain("wayne").build()).statusCode())
			.isEqualTo(202);
		fixtures.awaitStatus("wayne", TenantStatus.ACTIVE, RECONCILE);
		try (Connection tenant = fixtures.connectAsTenant("wayne"); Statement sql = tenant.createStatement()) {
			sql.execute("INSERT INTO customers (name) VALUES ('Bruce')");
		}
		try (TenantRedis redis = fixtures.connectRedisAsTenant("wayne")) {
			redis.connection().sync().set("tenant:wayne:cave", "batmobile");
		}
	}

	@AfterEach
	void clean() throws Exception {
		fixtures.awaitSettled("wayne", RECONCILE);
		fixtures.awaitSettled("legacy", RECONCILE);
		fixtures.purge("wayne", "legacy");
		dropForeignLegacy();
	}

	@Test
	void suspendStopsTheContainerAndLoginsButKeepsTheDataAndResumeBringsItBack() throws Exception {
		String password = fixtures.readSecret("wayne", "redis_password");

		assertThat(post("/api/v1/tenants/wayne/suspend").statusCode()).isEqualTo(202);
		fixtures.awaitStatus("wayne", TenantStatus.SUSPENDED, RECONCILE);

		assertThat(docker.inspectContainerCmd("tenant-wayne").exec().getState().getRunning()).isFalse();
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'tenant_wayne'", Boolean.class))
			.isFalse();
		assertThatThrownBy(() -> fixtures.connectAsTenant("wayne").close()).isInstanceOf(SQLException.class)
			.hasMessageContaining("not permitted to log in");
		assertThatThrownBy(() -> fixtures.connectRedisAsTenant("wayne").close())
			.isInstanceOf(RedisConnectionException.class);
		assertThat(fixtures.tenantsDatabase().queryForObject("SELECT count(*) FROM tenant_wayne.customers", Long.class))
			.isEqualTo(1);
		assertThat(fixtures.readSecret("wayne", "redis_password")).isEqualTo(password);

		assertThat(post("/api/v1/tenants/wayne/resume").statusCode()).isEqualTo(202);
		fixtures.awaitStatus("wayne", TenantStatus.ACTIVE, RECONCILE);

		assertThat(docker.inspectContainerCmd("tenant-wayne").exec().getState().getRunning()).isTrue();
		try (Connection tenant = fixtures.connectAsTenant("wayne");
				Statement sql = tenant.createStatement();
				ResultSet rs = sql.executeQuery("SELECT name FROM customers")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getString(1)).isEqualTo("Bruce");
		}
		try (TenantRedis redis = fixtures.connectRedisAsTenant("wayne")) {
			assertThat(redis.connection().sync().get("tenant:wayne:cave")).isEqualTo("batmobile");
		}
	}

	@Test
	void tierChangeUpdatesTheRunningContainerInPlaceAndTheRoleLimits() {
		String containerId = docker.inspectContainerCmd("tenant-wayne").exec().getId();

		assertThat(patch("{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		awaitObserved("wayne");

		InspectContainerResponse container = docker.inspectContainerCmd("tenant-wayne").exec();
		assertThat(container.getId()).as("not recreated").isEqualTo(containerId);
		assertThat(container.getState().getRunning()).isTrue();
		assertThat(container.getHostConfig().getNanoCPUs()).isEqualTo(1_000_000_000L);
		assertThat(container.getHostConfig().getMemory()).isEqualTo(128L * 1024 * 1024);
		assertThat(container.getHostConfig().getMemorySwap()).isEqualTo(128L * 1024 * 1024);
		assertThat(container.getHostConfig().getPidsLimit()).isEqualTo(128L);
		assertThat(fixtures.tenantsDatabase()
			.queryForMap("SELECT rolconnlimit, array_to_string(rolconfig, ',') AS config FROM pg_roles "
					+ "WHERE rolname = 'tenant_wayne'"))
			.containsEntry("rolconnlimit", 20)
			.hasEntrySatisfying("config", config -> assertThat((String) config).contains("statement_timeout=30000"));
		assertThat(api.tenant("wayne").path("tier").asText()).isEqualTo("pro");
		assertThat(patch("{\"tier\":\"platinum\"}").statusCode()).isEqualTo(400);
		assertThat(patch("{\"tier\":\"pro\",\"name\":\"Evil\"}").statusCode()).isEqualTo(400);
	}

	@Test
	void downgradeThatTheTenantCannotFitIsRefusedWithTheReason() throws Exception {
		assertThat(patch("{\"tier\":\"pro\"}").statusCode()).isEqualTo(202);
		awaitObserved("wayne");
		List<Connection> open = new ArrayList<>();
		try {
			for (int i = 0; i < 7; i++) {
				open.add(fixtures.connectAsTenant("wayne"));
			}

			HttpResponse<String> refused = patch("{\"tier\":\"basic\"}");

			assertThat(refused.statusCode()).isEqualTo(409);
			assertThat(api.read(refused.body()).path("detail").asText()).contains("database connections", "allows 5");
			assertThat(api.tenant("wayne").path("tier").asText()).isEqualTo("pro");
		}
		finally {
			for (Connection connection : open) {
				connection.close();
			}
		}
	}

	@Test
	void deleteRemovesEverythingTheTenantOwnsAfterArchivingItsSchema() throws IOException {
		Path archive = database.archiveDir().toAbsolutePath();

		HttpResponse<String> accepted = api.delete("/api/v1/tenants/wayne");

		assertThat(accepted.statusCode()).isEqualTo(202);
		assertThat(api.read(accepted.body()).path("status").asText()).isEqualTo("DEPROVISIONING");
		fixtures.awaitStatus("wayne", TenantStatus.DELETED, RECONCILE);

		assertThatThrownBy(() -> docker.inspectContainerCmd("tenant-wayne").exec())
			.isInstanceOf(NotFoundException.class);
		assertThat(fixtures.footprint()).noneMatch(resource -> resource.contains("wayne"));
		assertThat(fixtures.redisKeys("tenant:wayne:*")).isEmpty();
		assertThat(Path.of("target/test-secrets/wayne")).doesNotExist();
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_resources WHERE tenant_id = 'wayne'", Long.class)).isZero();
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_secrets WHERE tenant_id = 'wayne'", Long.class)).isZero();
		try (Stream<Path> dumps = Files.list(archive)) {
			assertThat(dumps.filter(p -> p.getFileName().toString().startsWith("wayne-"))
				.filter(p -> p.toFile().length() > 0)).isNotEmpty();
		}
		assertThat(api.delete("/api/v1/tenants/wayne").statusCode()).as("deleting again changes nothing")
			.isEqualTo(202);
	}

	@Test
	void reorderingATakenSubdomainOrAFailedDuplicateLeavesExistingDataIntact() throws Exception {
		createForeignLegacy();

		assertThat(api.postOrder(anOrder().withName("Someone Else").withSubdomain("wayne").build()).statusCode())
			.isEqualTo(409);
		assertThat(api.postOrder(anOrder().withName("Legacy").withSubdomain("legacy").build()).statusCode())
			.isEqualTo(202);
		fixtures.awaitStatus("legacy", TenantStatus.FAILED, RECONCILE);

		assertThat(api.tenant("legacy").path("conditions").toString()).contains("not managed by tenantforge");
		// its container, made while the database step ran, was taken back with the rest
		assertThatThrownBy(() -> docker.inspectContainerCmd("tenant-legacy").exec())
			.isInstanceOf(NotFoundException.class);
		assertThat(fixtures.tenantsDatabase().queryForObject("SELECT secret FROM tenant_legacy.vault", String.class))
			.isEqualTo("do not lose");
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT count(*) FROM pg_roles WHERE rolname = 'tenant_legacy'", Long.class)).isEqualTo(1);
		try (Connection tenant = fixtures.connectAsTenant("wayne");
				Statement sql = tenant.createStatement();
				ResultSet rs = sql.executeQuery("SELECT count(*) FROM customers")) {
			rs.next();
			assertThat(rs.getInt(1)).isEqualTo(1);
		}
		try (TenantRedis redis = fixtures.connectRedisAsTenant("wayne")) {
			assertThat(redis.connection().sync().get("tenant:wayne:cave")).isEqualTo("batmobile");
		}
	}

	private void createForeignLegacy() {
		fixtures.tenantsDatabase().execute("CREATE ROLE tenant_legacy LOGIN");
		fixtures.tenantsDatabase().execute("CREATE SCHEMA tenant_legacy AUTHORIZATION tenant_legacy");
		fixtures.tenantsDatabase().execute("CREATE TABLE tenant_legacy.vault (secret text)");
		fixtures.tenantsDatabase().execute("INSERT INTO tenant_legacy.vault VALUES ('do not lose')");
	}

	private void dropForeignLegacy() {
		fixtures.tenantsDatabase().execute("DROP SCHEMA IF EXISTS tenant_legacy CASCADE");
		fixtures.tenantsDatabase().execute("DROP ROLE IF EXISTS tenant_legacy");
	}

	private void awaitObserved(String tenant) {
		org.awaitility.Awaitility.await().atMost(RECONCILE).pollInterval(Duration.ofMillis(100)).until(() -> {
			var row = fixtures.controlPlaneDatabase()
				.queryForMap("SELECT generation, observed_generation, status FROM tenants WHERE id = ?", tenant);
			return row.get("generation").equals(row.get("observed_generation")) && "ACTIVE".equals(row.get("status"));
		});
	}

	private HttpResponse<String> post(String path) {
		return api.post(path, "");
	}

	private HttpResponse<String> patch(String body) {
		return api.patch("/api/v1/tenants/wayne", body);
	}

}
