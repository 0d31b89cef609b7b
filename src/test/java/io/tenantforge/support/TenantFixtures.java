package io.tenantforge.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.routing.RoutingProperties;
import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.runtime.TenantContainerProvisioner;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.TestComponent;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Direct access to the real services for tests: what exists for a tenant, connections as
 * the tenant, and a purge that removes every trace of a test tenant so each test starts
 * clean without restarting the context.
 */
@TestComponent
public class TenantFixtures {

	private final DockerClient docker;

	private final JdbcTemplate controlPlane;

	private final JdbcTemplate tenants;

	private final StringRedisTemplate redis;

	private final RuntimeProperties runtime;

	private final TenantDatabaseProperties database;

	private final TenantStore store;

	/**
	 * Admin commands (ACL) that Spring Data Redis has no API for, through a Lettuce
	 * connection of our own.
	 */
	private final StatefulRedisConnection<String, String> redisAdmin;

	private final ServicePurge purge;

	private final RoutingProperties routing;

	public TenantFixtures(DockerClient docker, JdbcTemplate controlPlane,
			@Qualifier("tenantsDataSource") DataSource tenantsDataSource, StringRedisTemplate redis,
			RuntimeProperties runtime, TenantDatabaseProperties database, TenantStore store,
			RoutingProperties routing) {
		this.routing = routing;
		this.docker = docker;
		this.controlPlane = controlPlane;
		this.tenants = new JdbcTemplate(tenantsDataSource);
		this.redis = redis;
		this.runtime = runtime;
		this.database = database;
		this.store = store;
		this.redisAdmin = RedisClient.create(RedisURI.create("127.0.0.1", 6379)).connect();
		this.purge = new ServicePurge(docker, controlPlane.getDataSource(), tenantsDataSource, redisAdmin.sync(),
				runtime.getSecretsDir());
	}

	/** Removes every resource and record of these tenants, whether or not they exist. */
	public void purge(String... slugs) {
		purge.purge(slugs);
		for (String slug : slugs) {
			removeRoute("tenantforge-tenant-" + slug);
		}
	}

	/**
	 * Removes a route from the test context's router by its {@code @id}, if the router
	 * runs and has it.
	 */
	public void removeRoute(String id) {
		if (!routing.enabled()) {
			return;
		}
		try {
			java.net.http.HttpClient.newHttpClient()
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(routing.adminUrl() + "/id/" + id))
					.DELETE()
					.timeout(Duration.ofSeconds(5))
					.build(), java.net.http.HttpResponse.BodyHandlers.discarding());
		}
		catch (IOException routerDown) {
			// nothing to remove from a router that is not running
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	public void awaitStatus(String slug, TenantStatus status, Duration atMost) {
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(
					() -> org.assertj.core.api.Assertions.assertThat(store.find(slug).map(t -> t.status()).orElse(null))
						.as("status of tenant %s", slug)
						.isEqualTo(status));
	}

	/**
	 * Waits until no reconcile is under way for the tenant (or it does not exist), so a
	 * purge is final.
	 */
	public void awaitSettled(String slug, Duration atMost) {
		await().atMost(atMost)
			.pollInterval(Duration.ofMillis(100))
			.until(() -> store.find(slug)
				.map(t -> t.status() != TenantStatus.PENDING && t.status() != TenantStatus.PROVISIONING
						&& !(t.status() == TenantStatus.DEGRADED && t.generation() != t.observedGeneration()))
				.orElse(true));
	}

	/**
	 * A JDBC connection to the tenants database as the tenant's own role, with the
	 * password from its file.
	 */
	public Connection connectAsTenant(String slug) throws SQLException {
		TenantNames names = new TenantNames(slug);
		return DriverManager.getConnection(database.url(), names.databaseRole(), readSecret(slug, "database_password"));
	}

	/**
	 * A Redis connection authenticated as the tenant's ACL user; close the client when
	 * done.
	 */
	public TenantRedis connectRedisAsTenant(String slug) {
		TenantNames names = new TenantNames(slug);
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(6379)
			.withAuthentication(names.redisUser(), readSecret(slug, "redis_password"))
			.build());
		return new TenantRedis(client, client.connect());
	}

	public String readSecret(String slug, String file) {
		try {
			return Files.readString(runtime.getSecretsDir().toAbsolutePath().resolve(slug).resolve(file));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Keys matching a pattern, found with SCAN as the control plane's admin connection.
	 */
	public List<String> redisKeys(String pattern) {
		List<String> keys = new java.util.ArrayList<>();
		io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
		do {
			var page = redisAdmin.sync().scan(cursor, io.lettuce.core.ScanArgs.Builder.matches(pattern));
			keys.addAll(page.getKeys());
			cursor = page;
		}
		while (!cursor.isFinished());
		return keys;
	}

	/** Admin commands on Redis (not as a tenant). */
	public io.lettuce.core.api.sync.RedisCommands<String, String> redisAdmin() {
		return redisAdmin.sync();
	}

	public JdbcTemplate tenantsDatabase() {
		return tenants;
	}

	public JdbcTemplate controlPlaneDatabase() {
		return controlPlane;
	}

	/**
	 * What exists in the services right now that looks like a tenant's: roles, schemas,
	 * ACL users, containers.
	 */
	public Set<String> footprint() {
		Set<String> found = new TreeSet<>();
		tenants.queryForList("SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_%'", String.class)
			.forEach(r -> found.add("role:" + r));
		tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'", String.class)
			.forEach(s -> found.add("schema:" + s));
		redisAdmin.sync().aclUsers().forEach(u -> found.add("acl:" + u));
		managedContainers().stream()
			.map(Container::getNames)
			.flatMap(Arrays::stream)
			.forEach(n -> found.add("container:" + n));
		found.add("tenants:" + controlPlane.queryForObject("SELECT count(*) FROM tenants", Long.class));
		return found;
	}

	/** Every container labelled as tenantforge's, running or not. */
	private List<Container> managedContainers() {
		return docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(java.util.Map.of(TenantContainerProvisioner.LABEL_MANAGED_BY,
					TenantContainerProvisioner.MANAGED_BY))
			.exec();
	}

	/**
	 * Runs a command inside a container ({@code docker exec}) and returns what it
	 * printed, both streams.
	 */
	public String exec(String container, String... command) throws InterruptedException {
		String id = docker.execCreateCmd(container)
			.withAttachStdout(true)
			.withAttachStderr(true)
			.withCmd(command)
			.exec()
			.getId();
		java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
		docker.execStartCmd(id)
			.exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
				@Override
				public void onNext(com.github.dockerjava.api.model.Frame frame) {
					output.writeBytes(frame.getPayload());
				}
			})
			.awaitCompletion(20, java.util.concurrent.TimeUnit.SECONDS);
		return output.toString();
	}

	/**
	 * Everything left of these tenants anywhere: labelled containers, roles and schemas,
	 * ACL users, namespace keys, secret folders, and their rows in the ownership record
	 * and the secrets table. Empty when nothing is left.
	 */
	public List<String> leftoversOf(Collection<String> slugs) {
		Set<String> wanted = new HashSet<>(slugs);
		Set<String> names = new HashSet<>();
		slugs.forEach(slug -> names.add(new TenantNames(slug).databaseRole()));
		List<String> left = new ArrayList<>();
		managedContainers().stream()
			.filter(c -> c.getLabels() != null
					&& wanted.contains(c.getLabels().get(TenantContainerProvisioner.LABEL_TENANT)))
			.forEach(c -> left.add("container " + String.join(",", c.getNames()) + " (" + c.getState() + ")"));
		tenants.queryForList("SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_%'", String.class)
			.stream()
			.filter(names::contains)
			.forEach(r -> left.add("role " + r));
		tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'", String.class)
			.stream()
			.filter(names::contains)
			.forEach(s -> left.add("schema " + s));
		redisAdmin.sync().aclUsers().stream().filter(names::contains).forEach(u -> left.add("ACL user " + u));
		for (String slug : slugs) {
			redisKeys("tenant:" + slug + ":*").forEach(k -> left.add("key " + k));
			Path folder = runtime.getSecretsDir().toAbsolutePath().resolve(slug);
			if (Files.exists(folder)) {
				left.add("secret folder " + folder);
			}
		}
		controlPlane
			.query("SELECT tenant_id, kind, name FROM tenant_resources WHERE tenant_id = ANY (?)",
					(rs, i) -> "ownership record " + rs.getString(1) + ": " + rs.getString(2) + " " + rs.getString(3),
					(Object) slugs.toArray(String[]::new))
			.forEach(left::add);
		controlPlane
			.query("SELECT tenant_id, name FROM tenant_secrets WHERE tenant_id = ANY (?)",
					(rs, i) -> "secret row " + rs.getString(1) + "/" + rs.getString(2),
					(Object) slugs.toArray(String[]::new))
			.forEach(left::add);
		return left;
	}

	/** A tenant's own Redis connection. */
	public record TenantRedis(RedisClient client,
			StatefulRedisConnection<String, String> connection) implements AutoCloseable {

		@Override
		public void close() {
			connection.close();
			client.shutdown();
		}

	}

}
