package io.tenantforge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes every trace of test tenants from the real services and the control-plane
 * record, whether or not they exist: container, schema, role, ACL user, keys, rows,
 * secret files. Plain Java, for in-context tests and for tests of the packaged control
 * plane alike.
 */
public final class ServicePurge {

	private final DockerClient docker;

	private final JdbcTemplate controlPlane;

	private final JdbcTemplate tenants;

	private final RedisCommands<String, String> redis;

	private final Path secretsDir;

	public ServicePurge(DockerClient docker, DataSource controlPlane, DataSource tenants,
			RedisCommands<String, String> redis, Path secretsDir) {
		this.docker = docker;
		this.controlPlane = new JdbcTemplate(controlPlane);
		this.tenants = new JdbcTemplate(tenants);
		this.redis = redis;
		this.secretsDir = secretsDir.toAbsolutePath();
	}

	public void purge(String... slugs) {
		for (String slug : slugs) {
			String role = "tenant_" + slug.replace('-', '_');
			for (String container : List.of("tenant-" + slug, "tenant-" + slug + "-next")) {
				try {
					docker.removeContainerCmd(container).withForce(true).exec();
				}
				catch (NotFoundException gone) {
					// nothing to remove
				}
			}
			tenants.execute("DROP SCHEMA IF EXISTS \"" + role + "\" CASCADE");
			if (!tenants.queryForList("SELECT 1 FROM pg_roles WHERE rolname = ?", role).isEmpty()) {
				dropRoleEverywhere(role);
			}
			redis.aclDeluser(role);
			ScanCursor cursor = ScanCursor.INITIAL;
			do {
				KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches("tenant:" + slug + ":*"));
				List<String> keys = page.getKeys();
				if (!keys.isEmpty()) {
					redis.unlink(keys.toArray(String[]::new));
				}
				cursor = page;
			}
			while (!cursor.isFinished());
			if (tableExists("tenants")) {
				controlPlane.update("DELETE FROM orders WHERE tenant_id = ?", slug);
				controlPlane.update("DELETE FROM tenant_resources WHERE tenant_id = ?", slug);
				controlPlane.update("DELETE FROM tenant_secrets WHERE tenant_id = ?", slug);
				if (tableExists("tenant_restarts")) {
					controlPlane.update("DELETE FROM tenant_restarts WHERE tenant_id = ?", slug);
				}
				if (tableExists("rollout_tenants")) {
					controlPlane.update("DELETE FROM rollout_tenants WHERE tenant_id = ?", slug);
				}
				controlPlane.update("DELETE FROM tenants WHERE id = ?", slug);
			}
			deleteRecursively(secretsDir.resolve(slug));
		}
	}

	/**
	 * Roles are global to the server: one left by another control plane on this machine
	 * (a dev run, a crashed test) may own objects in other databases. Drop what it owns
	 * in each, then the role.
	 */
	private void dropRoleEverywhere(String role) {
		String url = tenants.execute((java.sql.Connection c) -> c.getMetaData().getURL());
		String server = url.substring(0, url.lastIndexOf('/') + 1);
		for (String database : tenants.queryForList(
				"SELECT datname FROM pg_database WHERE datallowconn AND datname NOT IN ('template0', 'template1')",
				String.class)) {
			try (java.sql.Connection connection = java.sql.DriverManager.getConnection(server + database, "postgres",
					""); java.sql.Statement sql = connection.createStatement()) {
				sql.execute("DROP OWNED BY \"" + role + "\"");
			}
			catch (java.sql.SQLException e) {
				throw new IllegalStateException("cannot drop what " + role + " owns in " + database, e);
			}
		}
		tenants.execute("DROP ROLE \"" + role + "\"");
	}

	private boolean tableExists(String table) {
		return Boolean.TRUE
			.equals(controlPlane.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class, table));
	}

	private static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			walk.sorted(Comparator.reverseOrder()).forEach(p -> {
				try {
					Files.delete(p);
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			});
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
