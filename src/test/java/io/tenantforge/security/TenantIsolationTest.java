package io.tenantforge.security;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import io.tenantforge.runtime.SecretFiles;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.support.TenantFixtures.TenantRedis;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Tries to break tenant isolation as tenant {@code acme} against {@code acme2}, whose
 * slug it is a prefix of: in PostgreSQL, in Redis, and out of its container. Every
 * attempt must be refused.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	SecretFiles secretFiles;

	/** The default of {@code tenantforge.runtime.user}. */
	private static final String TENANT_USER = "10001:10001";

	@BeforeAll
	void provisionNeighbours() {
		fixtures.purge("acme", "acme2");
		api.postOrder(anOrder().withName("Acme").withSubdomain("acme").build());
		api.postOrder(anOrder().withName("Acme Two").withSubdomain("acme2").build());
		fixtures.awaitStatus("acme", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		fixtures.awaitStatus("acme2", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		fixtures.tenantsDatabase().execute("INSERT INTO tenant_acme2.customers (name) VALUES ('secret customer')");
	}

	@AfterAll
	void clean() {
		fixtures.purge("acme", "acme2");
	}

	@Test
	void postgresRefusesEveryReachIntoAnotherTenantOrBeyondItsOwnSchema() throws SQLException {
		try (Connection acme = fixtures.connectAsTenant("acme"); Statement sql = acme.createStatement()) {
			for (String attempt : List.of("SELECT * FROM tenant_acme2.customers",
					"INSERT INTO tenant_acme2.customers (name) VALUES ('x')",
					"UPDATE tenant_acme2.customers SET name = 'x'", "CREATE TABLE tenant_acme2.planted (id int)",
					"CREATE TABLE public.planted (id int)", "ALTER ROLE tenant_acme CONNECTION LIMIT 100",
					"GRANT tenant_acme2 TO tenant_acme", "GRANT USAGE ON SCHEMA tenant_acme2 TO tenant_acme",
					"SET ROLE tenant_acme2", "CREATE ROLE intruder", "CREATE DATABASE intruder",
					"ALTER ROLE tenant_acme2 PASSWORD 'x'")) {
				assertThatThrownBy(() -> sql.execute(attempt)).as(attempt)
					.isInstanceOf(SQLException.class)
					.hasMessageMatching("(?s).*(permission denied|must have admin option|must be owner).*");
			}
			assertThat(count(sql, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tenant_acme2'"))
				.as("tables of another tenant are not listed")
				.isZero();
			sql.execute("CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'");
		}
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT has_function_privilege('tenant_acme2', 'tenant_acme.answer()', 'EXECUTE')",
					Boolean.class))
			.as("no EXECUTE for PUBLIC on a tenant's new functions")
			.isFalse();
		String controlPlane = fixtures.controlPlaneDatabase().queryForObject("SELECT current_database()", String.class);
		assertThatThrownBy(() -> DriverManager
			.getConnection("jdbc:postgresql://127.0.0.1:5432/" + controlPlane, "tenant_acme",
					fixtures.readSecret("acme", "database_password"))
			.close()).as("the control plane's own database").hasMessageContaining("permission denied for database");
	}

	@Test
	void redisRefusesKeyspaceWideAdminAndScriptingCommandsAndTheNeighboursKeys() {
		try (TenantRedis redis = fixtures.connectRedisAsTenant("acme")) {
			RedisCommands<String, String> acme = redis.connection().sync();
			Map<String, Consumer<RedisCommands<String, String>>> attempts = Map.ofEntries(
					Map.entry("KEYS", c -> c.keys("*")), Map.entry("SCAN", c -> c.scan()),
					Map.entry("RANDOMKEY", c -> c.randomkey()), Map.entry("FLUSHDB", c -> c.flushdb()),
					Map.entry("FLUSHALL", c -> c.flushall()), Map.entry("CONFIG", c -> c.configGet("*")),
					Map.entry("ACL", c -> c.aclList()), Map.entry("CLIENT LIST", c -> c.clientList()),
					Map.entry("EVAL", c -> c.eval("return 1", ScriptOutputType.INTEGER)),
					Map.entry("SCRIPT LOAD", c -> c.scriptLoad("return 1")),
					Map.entry("FUNCTION LIST", c -> c.functionList()), Map.entry("SWAPDB", c -> c.swapdb(0, 1)),
					Map.entry("MOVE", c -> c.move("tenant:acme:x", 1)), Map.entry("INFO", c -> c.info("keyspace")),
					Map.entry("GET neighbour", c -> c.get("tenant:acme2:meta")),
					Map.entry("SET neighbour", c -> c.set("tenant:acme2:planted", "x")),
					Map.entry("SET outside namespace", c -> c.set("tenant:acme", "x")),
					Map.entry("PUBLISH neighbour", c -> c.publish("tenant:acme2:events", "x")));
			attempts.forEach((name, attempt) -> assertThatThrownBy(() -> attempt.accept(acme)).as(name)
				.isInstanceOf(RedisCommandExecutionException.class)
				.hasMessageContaining("NOPERM"));
			assertThat(acme.set("tenant:acme:own", "fine")).isEqualTo("OK");
		}
		RedisCommands<String, String> admin = fixtures.redisAdmin();
		for (String dangerous : List.of("SHUTDOWN", "MONITOR", "DEBUG SLEEP 0", "SELECT 1", "REPLICAOF NO ONE",
				"SAVE")) {
			assertThat(dryRun(admin, "tenant_acme", dangerous.split(" "))).as(dangerous).contains("no permissions");
		}
		String password = fixtures.readSecret("acme", "redis_password");
		assertThat(String.join("\n", admin.aclList())).as("only a hash of the password is stored")
			.contains("tenant_acme")
			.doesNotContain(password);
	}

	@Test
	void containerRunsWithNoPrivilegesAndAReadOnlyRoot() throws Exception {
		var container = docker.inspectContainerCmd("tenant-acme").exec();
		HostConfig host = container.getHostConfig();
		assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
		assertThat(host.getCapAdd()).isNullOrEmpty();
		assertThat(host.getPrivileged()).isFalse();
		assertThat(host.getSecurityOpts()).containsExactly("no-new-privileges");
		assertThat(host.getReadonlyRootfs()).isTrue();
		assertThat(host.getTmpFs()).containsKey("/tmp");
		assertThat(host.getPidsLimit()).isEqualTo(64L);
		assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
		assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
		assertThat(host.getLogConfig().getConfig()).containsKeys("max-size", "max-file");
		assertThat(host.getRestartPolicy().getName()).isEqualTo("unless-stopped");
		assertThat(host.getDevices()).isNullOrEmpty();
		assertThat(host.getBinds()).hasSize(1).allSatisfy(bind -> {
			assertThat(bind.getVolume().getPath()).isEqualTo("/run/secrets");
			assertThat(bind.getPath()).doesNotContain("docker.sock");
		});
		assertThat(container.getMounts()).noneMatch(m -> String.valueOf(m.getSource()).contains("docker.sock"));

		String status = exec("tenant-acme", "/bin/busybox", "cat", "/proc/1/status");
		assertThat(status).containsPattern("NoNewPrivs:\\s+1").containsPattern("CapEff:\\s+0000000000000000");
		assertThat(container.getConfig().getUser()).isEqualTo(TENANT_USER);
		assertThat(status).as("the tenant's process runs unprivileged (real, effective, saved, fs uid and gid)")
			.containsPattern("Uid:\\s+10001\\s+10001\\s+10001\\s+10001")
			.containsPattern("Gid:\\s+10001\\s+10001\\s+10001\\s+10001");
		assertThat(exec("tenant-acme", "/bin/busybox", "sh", "-c", "echo x > /planted 2>&1 || echo refused"))
			.contains("Read-only file system");
	}

	@Test
	void secretFilesAreReadableByTheTenantsOwnUserOnly() throws Exception {
		Path folder = secretFiles.folderOf(new TenantNames("acme"));
		assertThat(mode(folder)).isEqualTo(0500);
		assertThat(Files.getAttribute(folder, "unix:uid")).isEqualTo(10001);
		try (var files = Files.list(folder)) {
			assertThat(files.toList()).extracting(f -> f.getFileName().toString())
				.containsExactlyInAnyOrder("database_password", "redis_password", "health_token")
				.allSatisfy(name -> {
					Path file = folder.resolve(name);
					assertThat(mode(file)).as(name).isEqualTo(0400);
					assertThat(Files.getAttribute(file, "unix:uid")).as(name).isEqualTo(10001);
					assertThat(Files.getAttribute(file, "unix:gid")).as(name).isEqualTo(10001);
				});
		}

		String password = fixtures.readSecret("acme", "database_password");
		String read = "/bin/busybox cat /run/secrets/database_password 2>&1 || echo refused";
		assertThat(execAs(TENANT_USER, "tenant-acme", "/bin/busybox", "sh", "-c", read)).isEqualTo(password);
		for (String other : List.of("10002:10002", "10002:10001", "0:0")) {
			assertThat(execAs(other, "tenant-acme", "/bin/busybox", "sh", "-c", read)).as("read as %s", other)
				.contains("Permission denied")
				.doesNotContain(password);
		}
	}

	private static int mode(Path path) throws java.io.IOException {
		return (Integer) Files.getAttribute(path, "unix:mode") & 07777;
	}

	private String exec(String container, String... command) throws InterruptedException {
		return execAs(null, container, command);
	}

	/**
	 * Runs a command in the container as {@code user} ({@code uid:gid}; null: the
	 * container's own user).
	 */
	private String execAs(String user, String container, String... command) throws InterruptedException {
		var create = docker.execCreateCmd(container).withAttachStdout(true).withAttachStderr(true).withCmd(command);
		if (user != null) {
			create.withUser(user);
		}
		String id = create.exec().getId();
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		docker.execStartCmd(id).exec(new ResultCallback.Adapter<Frame>() {
			@Override
			public void onNext(Frame frame) {
				output.writeBytes(frame.getPayload());
			}
		}).awaitCompletion(10, TimeUnit.SECONDS);
		return output.toString();
	}

	/** {@code ACL DRYRUN}: whether the user may run the command, without running it. */
	private static String dryRun(RedisCommands<String, String> admin, String user, String... command) {
		var args = new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("DRYRUN")
			.add(user);
		for (String part : command) {
			args.add(part);
		}
		try {
			return admin.dispatch(io.lettuce.core.protocol.CommandType.ACL,
					new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8), args);
		}
		catch (RedisCommandExecutionException e) {
			return e.getMessage();
		}
	}

	private static long count(Statement sql, String query) throws SQLException {
		try (ResultSet rs = sql.executeQuery(query)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}
