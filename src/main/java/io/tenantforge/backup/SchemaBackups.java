package io.tenantforge.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;

import org.postgresql.PGConnection;

import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.support.SqlFaults;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.TenantNames;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The PostgreSQL gateway of backups, the only code of the feature that talks to the
 * tenants database: dumps a tenant's schema ({@code pg_dump}, one consistent snapshot),
 * counts its rows, and for a restore parks the live schema under a side name, restores
 * the backup in one transaction ({@code pg_restore --single-transaction}) and drops or
 * brings back the parked schema; and changes the tenant role's password for a credential
 * rotation. SQL faults are classified here (transient: retry; else failed for good).
 * <p>
 * pg_dump and pg_restore are programs, so a bean runs them (the stack has no Camel
 * component for processes); a dump carries its schema's name, so the backup is restored
 * under the tenant's own name while the live schema waits aside, which gives what a
 * staging schema would: the new schema appears whole or not at all.
 */
@Component
public class SchemaBackups {

	private final HikariDataSource tenants;

	private final TenantDatabaseProperties database;

	private final BackupProperties properties;

	public SchemaBackups(@Qualifier("tenantsDataSource") HikariDataSource tenants, TenantDatabaseProperties database,
			BackupProperties properties) {
		this.tenants = tenants;
		this.database = database;
		this.properties = properties;
	}

	/**
	 * The side name of the live schema while a restore runs: not {@code tenant_*}, so no
	 * sweep takes it for one.
	 */
	public static String parkedName(long restoreId) {
		return "tfrestore_" + restoreId;
	}

	/**
	 * {@code pg_dump --format=custom} of the tenant's schema: one transaction, a
	 * consistent snapshot.
	 */
	public byte[] dump(TenantNames names) {
		Path workDir = workDir();
		Path file = null;
		try {
			file = privateTempFile(workDir, names.slug() + "-", ".dump");
			Processes.run("pg_dump of " + names.databaseSchema(),
					List.of(database.pgDump(), "--dbname=" + libpqUrl(), "--username=" + database.username(),
							"--schema=" + names.databaseSchema(), "--format=custom", "--file=" + file),
					passwordEnvironment(), workDir, properties.processTimeout());
			return Files.readAllBytes(file);
		}
		catch (IOException e) {
			throw new StepFailedException("cannot dump " + names.databaseSchema() + ": " + e.getMessage(), e);
		}
		finally {
			deleteQuietly(file);
		}
	}

	/**
	 * Rows per table of the tenant's schema, exactly ({@code count(*)}), for the
	 * manifest.
	 */
	public Map<String, Long> rowCounts(TenantNames names) {
		Map<String, Long> rows = new LinkedHashMap<>();
		try (Connection connection = tenants.getConnection()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			List<String> tables = new ArrayList<>();
			try (PreparedStatement query = connection
				.prepareStatement("SELECT tablename FROM pg_tables " + "WHERE schemaname = ? ORDER BY tablename")) {
				query.setString(1, names.databaseSchema());
				try (ResultSet rs = query.executeQuery()) {
					while (rs.next()) {
						tables.add(rs.getString(1));
					}
				}
			}
			for (String table : tables) {
				try (Statement sql = connection.createStatement();
						ResultSet rs = sql.executeQuery("SELECT count(*) FROM "
								+ pg.escapeIdentifier(names.databaseSchema()) + "." + pg.escapeIdentifier(table))) {
					rs.next();
					rows.put(table, rs.getLong(1));
				}
			}
			return rows;
		}
		catch (SQLException e) {
			throw SqlFaults.classify("counting the rows of " + names.databaseSchema(), e);
		}
	}

	/** The newest tenant migration applied to the schema, or "none". */
	public String schemaVersion(TenantNames names) {
		try (Connection connection = tenants.getConnection()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			if (!exists(connection, names.databaseSchema() + ".flyway_schema_history", true)) {
				return "none";
			}
			try (Statement sql = connection.createStatement();
					ResultSet rs = sql.executeQuery("SELECT version FROM " + pg.escapeIdentifier(names.databaseSchema())
							+ ".flyway_schema_history WHERE success AND version IS NOT NULL "
							+ "ORDER BY installed_rank DESC LIMIT 1")) {
				return rs.next() ? rs.getString(1) : "none";
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("reading the schema version of " + names.databaseSchema(), e);
		}
	}

	/** Renames the live schema to its parked name (one statement, atomic). */
	public void park(TenantNames names, long restoreId) {
		rename(names.databaseSchema(), parkedName(restoreId), "parking " + names.databaseSchema());
	}

	/**
	 * Brings the parked schema back under the tenant's name (the undo of {@link #park}),
	 * dropping a restored schema in its place first, in one transaction: the tenant has
	 * its old schema whole, or the state stays as it was.
	 */
	public void unpark(TenantNames names, long restoreId) {
		try (Connection connection = tenants.getConnection()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			connection.setAutoCommit(false);
			try (Statement sql = connection.createStatement()) {
				sql.execute("DROP SCHEMA IF EXISTS " + pg.escapeIdentifier(names.databaseSchema()) + " CASCADE");
				sql.execute("ALTER SCHEMA " + pg.escapeIdentifier(parkedName(restoreId)) + " RENAME TO "
						+ pg.escapeIdentifier(names.databaseSchema()));
				connection.commit();
			}
			catch (SQLException e) {
				connection.rollback();
				throw e;
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("bringing back " + names.databaseSchema(), e);
		}
	}

	/**
	 * {@code pg_restore --single-transaction} of a dump of this tenant's schema: all of
	 * it, or nothing.
	 */
	public void restore(TenantNames names, byte[] dump) {
		Path workDir = workDir();
		Path file = null;
		try {
			file = privateTempFile(workDir, names.slug() + "-restore-", ".dump");
			Files.write(file, dump);
			Processes.run("pg_restore of " + names.databaseSchema(),
					List.of(properties.pgRestore(), "--dbname=" + libpqUrl(), "--username=" + database.username(),
							"--single-transaction", "--exit-on-error", "--no-password", file.toString()),
					passwordEnvironment(), workDir, properties.processTimeout());
		}
		catch (IOException e) {
			throw new StepFailedException("cannot restore " + names.databaseSchema() + ": " + e.getMessage(), e);
		}
		finally {
			deleteQuietly(file);
		}
	}

	/**
	 * A dump of {@code from}'s schema made into one of {@code to}'s, for a clone:
	 * restored into a scratch database ({@code tfclone_<restore id>}, made and dropped
	 * here) as {@code to}'s role, so everything in it is that role's, renamed to
	 * {@code to}'s schema with its mark, and dumped again. Function bodies that name
	 * their schema keep the old name (PostgreSQL stores them as text); views, defaults
	 * and sequences follow the rename.
	 */
	public byte[] retarget(byte[] dump, TenantNames from, TenantNames to, String toTenantId, long restoreId) {
		String scratch = "tfclone_" + restoreId;
		Path workDir = workDir();
		Path file = null;
		try (Connection admin = tenants.getConnection(); Statement sql = admin.createStatement()) {
			PGConnection pg = admin.unwrap(PGConnection.class);
			sql.execute("DROP DATABASE IF EXISTS " + pg.escapeIdentifier(scratch) + " WITH (FORCE)");
			sql.execute("CREATE DATABASE " + pg.escapeIdentifier(scratch));
			try {
				// the source's data is in it for seconds: no tenant role may connect
				sql.execute("REVOKE ALL ON DATABASE " + pg.escapeIdentifier(scratch) + " FROM PUBLIC");
				sql.execute("GRANT CREATE ON DATABASE " + pg.escapeIdentifier(scratch) + " TO "
						+ pg.escapeIdentifier(to.databaseRole()));
				file = privateTempFile(workDir, to.slug() + "-clone-", ".dump");
				Files.write(file, dump);
				Processes.run("pg_restore of " + from.databaseSchema() + " for clone " + to.slug(),
						List.of(properties.pgRestore(), "--dbname=" + libpqUrl(scratch),
								"--username=" + database.username(), "--role=" + to.databaseRole(), "--no-owner",
								"--no-acl", "--single-transaction", "--exit-on-error", "--no-password",
								file.toString()),
						passwordEnvironment(), workDir, properties.processTimeout());
				try (Connection scratchDb = DriverManager.getConnection(jdbcUrl(scratch), database.username(),
						database.password()); Statement rename = scratchDb.createStatement()) {
					rename.execute("ALTER SCHEMA " + pg.escapeIdentifier(from.databaseSchema()) + " RENAME TO "
							+ pg.escapeIdentifier(to.databaseSchema()));
					rename.execute("COMMENT ON SCHEMA " + pg.escapeIdentifier(to.databaseSchema()) + " IS '"
							+ pg.escapeLiteral(TenantDatabaseProvisioner.OWNER_MARK + toTenantId) + "'");
				}
				Files.delete(file);
				file = privateTempFile(workDir, to.slug() + "-clone-", ".dump");
				Processes.run("pg_dump of the clone of " + from.databaseSchema(),
						List.of(database.pgDump(), "--dbname=" + libpqUrl(scratch), "--username=" + database.username(),
								"--schema=" + to.databaseSchema(), "--format=custom", "--file=" + file),
						passwordEnvironment(), workDir, properties.processTimeout());
				return Files.readAllBytes(file);
			}
			finally {
				sql.execute("DROP DATABASE IF EXISTS " + pg.escapeIdentifier(scratch) + " WITH (FORCE)");
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("making the schema of clone " + to.slug(), e);
		}
		catch (IOException e) {
			throw new StepFailedException("cannot make the schema of clone " + to.slug() + ": " + e.getMessage(), e);
		}
		finally {
			deleteQuietly(file);
		}
	}

	public void dropParked(long restoreId) {
		try (Connection connection = tenants.getConnection(); Statement sql = connection.createStatement()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			sql.execute("DROP SCHEMA IF EXISTS " + pg.escapeIdentifier(parkedName(restoreId)) + " CASCADE");
		}
		catch (SQLException e) {
			throw SqlFaults.classify("dropping the parked schema of restore " + restoreId, e);
		}
	}

	/**
	 * Sets the tenant role's password (credential rotation): the SCRAM verifier is
	 * computed here, so the password never reaches the server's log. Sessions already
	 * open stay; new ones need the new password.
	 */
	public void changePassword(TenantNames names, String password) {
		try (Connection connection = tenants.getConnection()) {
			connection.unwrap(PGConnection.class)
				.alterUserPassword(names.databaseRole(), password.toCharArray(), "scram-sha-256");
		}
		catch (SQLException e) {
			throw SqlFaults.classify("changing the password of " + names.databaseRole(), e);
		}
	}

	public boolean schemaExists(String schema) {
		try (Connection connection = tenants.getConnection()) {
			return exists(connection, schema, false);
		}
		catch (SQLException e) {
			throw SqlFaults.classify("looking for schema " + schema, e);
		}
	}

	private void rename(String from, String to, String what) {
		try (Connection connection = tenants.getConnection(); Statement sql = connection.createStatement()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			sql.execute("ALTER SCHEMA " + pg.escapeIdentifier(from) + " RENAME TO " + pg.escapeIdentifier(to));
		}
		catch (SQLException e) {
			throw SqlFaults.classify(what, e);
		}
	}

	private static boolean exists(Connection connection, String name, boolean table) throws SQLException {
		String sql = table ? "SELECT to_regclass(?) IS NOT NULL"
				: "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)";
		try (PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	private String libpqUrl() {
		return database.url().replaceFirst("^jdbc:", "");
	}

	private String libpqUrl(String databaseName) {
		return jdbcUrl(databaseName).replaceFirst("^jdbc:", "");
	}

	/** The tenants database's URL with another database name. */
	private String jdbcUrl(String databaseName) {
		return database.url().replaceFirst("/[^/?]+(\\?|$)", "/" + databaseName + "$1");
	}

	/**
	 * The password, if any, goes to the programs through their environment, never their
	 * command line.
	 */
	private Map<String, String> passwordEnvironment() {
		return Optional.ofNullable(database.password())
			.filter(p -> !p.isEmpty())
			.map(p -> Map.of("PGPASSWORD", p))
			.orElse(Map.of());
	}

	private Path workDir() {
		return properties.dir().toAbsolutePath().resolve(".work");
	}

	/**
	 * A file only the control plane may read: a clear dump of tenant data lives there for
	 * seconds.
	 */
	private static Path privateTempFile(Path dir, String prefix, String suffix) throws IOException {
		Files.createDirectories(dir);
		return Files.createTempFile(dir, prefix, suffix,
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
	}

	private static void deleteQuietly(Path file) {
		if (file != null) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ignored) {
				// left in the work folder, readable by the control plane only
			}
		}
	}

}
