package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import io.lettuce.core.RedisCommandExecutionException;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.Scram;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.support.TenantFixtures.TenantRedis;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Orders over REST provision real resources in PostgreSQL, Redis and Docker, checked
 * directly in each service.
 */
@IntegrationTest
class TenantProvisioningTest {

	private static final Duration PROVISIONING = Duration.ofSeconds(60);

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	TenantSecrets secrets;

	@BeforeEach
	@AfterEach
	void clean() {
		fixtures.purge("acme", "globex");
	}

	@Test
	void restOrderBecomesActiveWithItsOwnSchemaRoleAclUserAndContainer() throws Exception {
		HttpResponse<String> accepted = api.postOrder(anOrder().withSubdomain("acme").withTier("basic").build());

		assertThat(accepted.statusCode()).isEqualTo(202);
		assertThat(accepted.headers().firstValue("Location")).contains("/api/v1/tenants/acme");
		assertThat(api.read(accepted.body()).path("subdomain").asText()).isEqualTo("acme");
		fixtures.awaitStatus("acme", TenantStatus.ACTIVE, PROVISIONING);

		JsonNode tenant = api.tenant("acme");
		assertThat(tenant.path("status").asText()).isEqualTo("ACTIVE");
		assertThat(tenant.path("conditions")).hasSize(4)
			.allSatisfy(c -> assertThat(c.path("status").asText()).as(c.toString()).isEqualTo("True"));
		String endpoint = tenant.path("endpoint").asText();
		assertThat(endpoint).matches("http://127\\.0\\.0\\.1:21\\d{3}");

		assertDatabase("acme");
		assertCache("acme");
		assertContainer("acme", endpoint);
	}

	@Test
	void twoTenantsSideBySideCannotReachEachOther() throws Exception {
		assertThat(api.postOrder(anOrder().withName("Acme").withSubdomain("acme").build()).statusCode()).isEqualTo(202);
		assertThat(api.postOrder(anOrder().withName("Globex").withSubdomain("globex").withTier("pro").build())
			.statusCode()).isEqualTo(202);
		fixtures.awaitStatus("acme", TenantStatus.ACTIVE, PROVISIONING);
		fixtures.awaitStatus("globex", TenantStatus.ACTIVE, PROVISIONING);

		assertDatabaseIsolated("acme", "globex");
		assertDatabaseIsolated("globex", "acme");
		assertCacheIsolated("acme", "globex");
		assertCacheIsolated("globex", "acme");
		assertThat(api.tenant("acme").path("endpoint").asText())
			.isNotEqualTo(api.tenant("globex").path("endpoint").asText());
		assertThat(env(docker.inspectContainerCmd("tenant-globex").exec())).contains("TENANT_ID=globex",
				"TENANT_TIER=pro");
	}

	private void assertDatabase(String slug) throws SQLException {
		String role = "tenant_" + slug;
		Map<String, Object> attributes = fixtures.tenantsDatabase()
			.queryForMap("SELECT rolcanlogin, rolsuper, rolinherit, rolcreatedb, rolcreaterole, rolreplication, "
					+ "rolbypassrls, rolconnlimit, array_to_string(rolconfig, ',') AS config FROM pg_roles "
					+ "WHERE rolname = ?", role);
		assertThat(attributes).containsEntry("rolcanlogin", true)
			.containsEntry("rolsuper", false)
			.containsEntry("rolinherit", false)
			.containsEntry("rolcreatedb", false)
			.containsEntry("rolcreaterole", false)
			.containsEntry("rolreplication", false)
			.containsEntry("rolbypassrls", false)
			.containsEntry("rolconnlimit", 5);
		assertThat((String) attributes.get("config")).contains("search_path=" + role, "statement_timeout=15000",
				"idle_in_transaction_session_timeout=60000");
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = ?", String.class, role))
			.isEqualTo(role);
		// the role's password is the tenant's secret (this machine's server trusts
		// 127.0.0.1: a login would not tell)
		String verifier = fixtures.tenantsDatabase()
			.queryForObject("SELECT rolpassword FROM pg_authid WHERE rolname = ?", String.class, role);
		assertThat(Scram.matches(secrets.getOrCreate(slug, TenantSecrets.DATABASE_PASSWORD), verifier))
			.as("the role's SCRAM verifier is of the tenant's password")
			.isTrue();

		try (Connection tenant = fixtures.connectAsTenant(slug); Statement sql = tenant.createStatement()) {
			assertThat(single(sql, "SELECT current_schema()")).isEqualTo(role);
			assertThat(single(sql, "SELECT max(version) FROM flyway_schema_history WHERE success")).isEqualTo("1");
			sql.execute("INSERT INTO customers (name, email) VALUES ('Wile E.', 'wile@acme.test')");
			sql.execute("INSERT INTO invoices (customer_id, amount) SELECT id, 42.50 FROM customers");
			assertThat(single(sql, "SELECT sum(amount) FROM invoices")).isEqualTo("42.50");
			sql.execute("CREATE TABLE notes (id int)");
		}
	}

	private void assertDatabaseIsolated(String self, String other) throws SQLException {
		try (Connection tenant = fixtures.connectAsTenant(self); Statement sql = tenant.createStatement()) {
			for (String attempt : List.of("SELECT * FROM tenant_" + other + ".customers",
					"INSERT INTO tenant_" + other + ".customers (name) VALUES ('intruder')",
					"CREATE TABLE tenant_" + other + ".planted (id int)")) {
				assertThatThrownBy(() -> sql.execute(attempt)).as(attempt)
					.isInstanceOf(SQLException.class)
					.hasMessageContaining("permission denied");
			}
		}
	}

	private void assertCache(String slug) {
		try (TenantRedis redis = fixtures.connectRedisAsTenant(slug)) {
			var commands = redis.connection().sync();
			assertThat(commands.set("tenant:" + slug + ":greeting", "hello")).isEqualTo("OK");
			assertThat(commands.get("tenant:" + slug + ":greeting")).isEqualTo("hello");
			assertThat(commands.get("tenant:" + slug + ":smoke:started")).as("written by the container at start-up")
				.isNotBlank();
			assertThat(commands.get("tenant:" + slug + ":meta"))
				.as("written by the provisioning-cache route's spring-redis endpoint")
				.isEqualTo("{\"tenant\":\"" + slug + "\",\"tier\":\"basic\",\"managedBy\":\"tenantforge\"}");
			assertThatThrownBy(() -> commands.set("tenant:other:greeting", "hello"))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> commands.flushall()).isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("NOPERM");
		}
	}

	private void assertCacheIsolated(String self, String other) {
		try (TenantRedis redis = fixtures.connectRedisAsTenant(self)) {
			var commands = redis.connection().sync();
			assertThatThrownBy(() -> commands.get("tenant:" + other + ":meta"))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("NOPERM");
			assertThatThrownBy(() -> commands.publish("tenant:" + other + ":events", "x"))
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("NOPERM");
		}
	}

	private void assertContainer(String slug, String endpoint) {
		InspectContainerResponse container = docker.inspectContainerCmd("tenant-" + slug).exec();
		var host = container.getHostConfig();
		assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
		assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
		assertThat(host.getMemorySwap()).isEqualTo(64L * 1024 * 1024);
		assertThat(host.getMemoryReservation()).isEqualTo(32L * 1024 * 1024);
		assertThat(host.getPidsLimit()).isEqualTo(64L);
		assertThat(host.getNetworkMode()).isEqualTo("host");
		assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
		assertThat(host.getSecurityOpts()).contains("no-new-privileges");
		assertThat(host.getReadonlyRootfs()).isTrue();
		assertThat(host.getPrivileged()).isFalse();
		assertThat(host.getRestartPolicy().getName()).isEqualTo("unless-stopped");
		assertThat(host.getBinds()).anySatisfy(bind -> {
			assertThat(bind.getVolume().getPath()).isEqualTo("/run/secrets");
			assertThat(bind.getAccessMode().name()).isEqualTo("ro");
		});
		assertThat(container.getConfig().getLabels()).containsEntry("io.tenantforge.tenant", slug)
			.containsEntry("io.tenantforge.managed-by", "tenantforge")
			.containsEntry("io.tenantforge.tier", "basic");

		String port = endpoint.substring(endpoint.lastIndexOf(':') + 1);
		List<String> env = env(container);
		assertThat(env).contains("TENANT_ID=" + slug, "TENANT_SUBDOMAIN=" + slug, "TENANT_TIER=basic",
				"DATABASE_SCHEMA=tenant_" + slug, "DATABASE_USER=tenant_" + slug,
				"DATABASE_PASSWORD_FILE=/run/secrets/database_password", "REDIS_USER=tenant_" + slug,
				"REDIS_PASSWORD_FILE=/run/secrets/redis_password", "REDIS_NAMESPACE=tenant:" + slug + ":",
				"PORT=" + port,
				"OTEL_RESOURCE_ATTRIBUTES=service.name=tenant-" + slug + ",tenant.id=" + slug + ",tenant.tier=basic");
		assertThat(env)
			.anySatisfy(e -> assertThat(e).startsWith("DATABASE_URL=postgresql://tenant_" + slug + "@127.0.0.1:5432/")
				.contains("search_path%3Dtenant_" + slug));
		assertThat(env)
			.anySatisfy(e -> assertThat(e).isEqualTo("REDIS_URL=redis://tenant_" + slug + "@127.0.0.1:6379"));
		String databasePassword = fixtures.readSecret(slug, "database_password");
		String redisPassword = fixtures.readSecret(slug, "redis_password");
		assertThat(databasePassword).hasSizeGreaterThanOrEqualTo(43);
		assertThat(String.join("\n", env)).doesNotContain(databasePassword).doesNotContain(redisPassword);

		var healthCheck = container.getConfig().getHealthcheck();
		assertThat(healthCheck.getTest()).contains("http://127.0.0.1:" + port + "/health");
		assertThat(healthCheck.getStartPeriod()).isEqualTo(Duration.ofSeconds(8).toNanos());
		assertThat(container.getState().getRunning()).isTrue();
		assertThat(container.getState().getHealth().getStatus()).isIn("starting", "healthy");
	}

	private static List<String> env(InspectContainerResponse container) {
		return List.of(container.getConfig().getEnv());
	}

	private static String single(Statement sql, String query) throws SQLException {
		try (ResultSet rs = sql.executeQuery(query)) {
			rs.next();
			return rs.getString(1);
		}
	}

}
