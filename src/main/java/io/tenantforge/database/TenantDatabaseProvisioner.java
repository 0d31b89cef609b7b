package io.tenantforge.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.SqlFaults;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.Tier;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The database step: a login role and a schema of the tenant's own in the tenants
 * database, hardened, then the tenant's migrations applied as the tenant role. Every
 * statement is safe to repeat.
 */
@Component
public class TenantDatabaseProvisioner {

	private static final Logger log = LoggerFactory.getLogger(TenantDatabaseProvisioner.class);

	/**
	 * Marks roles and schemas tenantforge created, so a same-named one made by someone
	 * else is never touched.
	 */
	public static final String OWNER_MARK = "managed-by=tenantforge tenant=";

	/**
	 * Serialises DDL that rewrites shared catalog rows (GRANT ON DATABASE): "tuple
	 * concurrently updated".
	 */
	private static final long DDL_LOCK = 0x7465_6e61_6e74L;

	private final HikariDataSource tenants;

	private final TenantDatabaseProperties properties;

	private final ResourceLedger ledger;

	private final TenantSecrets secrets;

	private final AtomicBoolean databaseHardened = new AtomicBoolean();

	/**
	 * What every tenant's Flyway run shares: the migrations, read once, and no schema
	 * creation.
	 */
	private final org.flywaydb.core.api.configuration.Configuration migrationSettings = Flyway.configure()
		.resourceProvider(TenantMigrations.load())
		.javaMigrationClassProvider(java.util.List::of)
		.createSchemas(false);

	/** The control plane's own database, which no tenant role may connect to. */
	private final String controlPlaneDatabase;

	public TenantDatabaseProvisioner(@Qualifier("tenantsDataSource") HikariDataSource tenants,
			TenantDatabaseProperties properties, ResourceLedger ledger, TenantSecrets secrets,
			@Value("${spring.datasource.url}") String controlPlaneUrl) {
		this.tenants = tenants;
		this.controlPlaneDatabase = org.postgresql.Driver.parseURL(controlPlaneUrl, null).getProperty("PGDBNAME");
		this.properties = properties;
		this.ledger = ledger;
		this.secrets = secrets;
	}

	/**
	 * Makes the tenant's role and schema exist as its tier says, then migrates the schema
	 * (every migration).
	 */
	public void ensure(Tenant tenant, Tier tier) {
		ensure(tenant, tier, null);
	}

	/**
	 * Makes the tenant's role and schema exist as its tier says, then migrates the schema
	 * up to {@code schemaTarget} (a tenant migration version; null: all of them). A
	 * schema already past the target is left as it is.
	 */
	public void ensure(Tenant tenant, Tier tier, String schemaTarget) {
		TenantNames names = tenant.names();
		String role = names.databaseRole();
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.DATABASE_PASSWORD);
		long began = System.nanoTime();
		try (Connection connection = tenants.getConnection()) {
			hardenDatabaseOnce(connection);
			connection.setAutoCommit(false);
			lockDdl(connection);
			ensureRole(connection, tenant.id(), role, tier);
			connection.unwrap(PGConnection.class).alterUserPassword(role, password.toCharArray(), "scram-sha-256");
			ensureSchema(connection, tenant.id(), names.databaseSchema(), role);
			connection.commit();
		}
		catch (SQLException e) {
			throw SqlFaults.classify("database step for " + tenant.id(), e);
		}
		long prepared = System.nanoTime();
		migrate(names, schemaTarget);
		log.debug("database step of {}: role and schema {} ms, migrations {} ms", tenant.id(),
				(prepared - began) / 1_000_000, (System.nanoTime() - prepared) / 1_000_000);
	}

	/**
	 * True when the role and schema exist and are ours (used by tests and the health
	 * sweep).
	 */
	public boolean exists(TenantNames names) {
		try (Connection connection = tenants.getConnection()) {
			return comment(connection, "pg_roles", "rolname", names.databaseRole()).isPresent()
					&& comment(connection, "pg_namespace", "nspname", names.databaseSchema()).isPresent();
		}
		catch (SQLException e) {
			throw SqlFaults.classify("database check for " + names, e);
		}
	}

	/**
	 * Every {@code tenant_*} role and schema with what the health sweep compares: one
	 * query, whatever the size of the fleet.
	 */
	public DatabaseCatalog catalog() {
		String sql = """
				SELECT 'role' AS kind, r.rolname AS name, coalesce(shobj_description(r.oid, 'pg_authid'), '') AS mark,
				       r.rolcanlogin AS can_login, r.rolconnlimit AS connection_limit,
				       has_database_privilege(r.oid, current_database(), 'CONNECT') AS can_connect,
				       NULL AS owner, NULL::boolean AS public_access, NULL::boolean AS owner_privileges
				  FROM pg_roles r WHERE r.rolname LIKE 'tenant\\_%'
				UNION ALL
				SELECT 'schema', n.nspname, coalesce(obj_description(n.oid, 'pg_namespace'), ''), NULL, NULL, NULL,
				       pg_get_userbyid(n.nspowner),
				       EXISTS (SELECT 1 FROM aclexplode(n.nspacl) a WHERE a.grantee = 0),
				       has_schema_privilege(n.nspowner, n.oid, 'USAGE') AND has_schema_privilege(n.nspowner, n.oid, 'CREATE')
				  FROM pg_namespace n WHERE n.nspname LIKE 'tenant\\_%'
				""";
		Map<String, DatabaseCatalog.Role> roles = new HashMap<>();
		Map<String, DatabaseCatalog.Schema> schemas = new HashMap<>();
		try (Connection connection = tenants.getConnection();
				Statement query = connection.createStatement();
				ResultSet rs = query.executeQuery(sql)) {
			while (rs.next()) {
				String name = rs.getString("name");
				if (rs.getString("kind").equals("role")) {
					roles.put(name, new DatabaseCatalog.Role(name, rs.getString("mark"), rs.getBoolean("can_login"),
							rs.getInt("connection_limit"), rs.getBoolean("can_connect")));
				}
				else {
					schemas.put(name, new DatabaseCatalog.Schema(name, rs.getString("mark"), rs.getString("owner"),
							rs.getBoolean("public_access"), rs.getBoolean("owner_privileges")));
				}
			}
			return new DatabaseCatalog(roles, schemas);
		}
		catch (SQLException e) {
			throw SqlFaults.classify("reading the tenants database catalog", e);
		}
	}

	/** Sessions the tenant's role has open now. */
	public int openConnections(TenantNames names) {
		try (Connection connection = tenants.getConnection();
				PreparedStatement query = connection
					.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
			query.setString(1, names.databaseRole());
			try (ResultSet rs = query.executeQuery()) {
				rs.next();
				return rs.getInt(1);
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("counting the connections of " + names, e);
		}
	}

	public boolean schemaExists(TenantNames names) {
		try (Connection connection = tenants.getConnection()) {
			return comment(connection, "pg_namespace", "nspname", names.databaseSchema()).isPresent();
		}
		catch (SQLException e) {
			throw SqlFaults.classify("schema check for " + names, e);
		}
	}

	/**
	 * Suspend: the role can no longer log in, and its open sessions end; its data stays.
	 */
	public void disableLogin(Tenant tenant) {
		String role = tenant.names().databaseRole();
		try (Connection connection = tenants.getConnection()) {
			if (!ours(comment(connection, "pg_roles", "rolname", role), tenant.id())) {
				return;
			}
			PGConnection pg = connection.unwrap(PGConnection.class);
			try (Statement sql = connection.createStatement()) {
				sql.execute("ALTER ROLE " + pg.escapeIdentifier(role) + " NOLOGIN");
			}
			terminateSessions(connection, role);
		}
		catch (SQLException e) {
			throw SqlFaults.classify("suspending the database role of " + tenant.id(), e);
		}
	}

	/**
	 * Deprovision: drops the schema (with its data) and the role, each only if the
	 * ownership record gives it to the tenant and it carries tenantforge's mark.
	 */
	public void remove(Tenant tenant) {
		TenantNames names = tenant.names();
		String role = names.databaseRole();
		String schema = names.databaseSchema();
		try (Connection connection = tenants.getConnection()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			try (Statement sql = connection.createStatement()) {
				if (ledger.owns(tenant.id(), ResourceKind.DATABASE_SCHEMA, schema)) {
					if (ours(comment(connection, "pg_namespace", "nspname", schema), tenant.id())) {
						sql.execute("DROP SCHEMA " + pg.escapeIdentifier(schema) + " CASCADE");
					}
					ledger.release(tenant.id(), ResourceKind.DATABASE_SCHEMA, schema);
				}
				if (ledger.owns(tenant.id(), ResourceKind.DATABASE_ROLE, role)) {
					if (ours(comment(connection, "pg_roles", "rolname", role), tenant.id())) {
						sql.execute("ALTER ROLE " + pg.escapeIdentifier(role) + " NOLOGIN");
						terminateSessions(connection, role);
						connection.setAutoCommit(false);
						lockDdl(connection);
						sql.execute("DROP OWNED BY " + pg.escapeIdentifier(role));
						sql.execute("DROP ROLE " + pg.escapeIdentifier(role));
						connection.commit();
					}
					ledger.release(tenant.id(), ResourceKind.DATABASE_ROLE, role);
				}
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("dropping the schema and role of " + tenant.id(), e);
		}
	}

	private static void terminateSessions(Connection connection, String role) throws SQLException {
		try (PreparedStatement sql = connection
			.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
			sql.setString(1, role);
			sql.execute();
		}
	}

	private static boolean ours(Optional<String> comment, String tenantId) {
		return comment.flatMap(DatabaseCatalog::markedFor).map(tenantId::equals).orElse(false);
	}

	private static void requireOursOrAbsent(Optional<String> comment, String tenantId, String kind, String name) {
		if (comment.isPresent() && !ours(comment, tenantId)) {
			throw new StepFailedException(kind + " " + name + " exists and is not managed by tenantforge for "
					+ tenantId + ": left untouched");
		}
	}

	private void claim(String tenantId, ResourceKind kind, String name) {
		if (!ledger.claim(tenantId, kind, name)) {
			throw new StepFailedException(kind + " " + name + " belongs to another tenant's record");
		}
	}

	private void hardenDatabaseOnce(Connection connection) throws SQLException {
		if (databaseHardened.get()) {
			return;
		}
		PGConnection pg = connection.unwrap(PGConnection.class);
		try (Statement sql = connection.createStatement()) {
			sql.execute("SELECT pg_advisory_lock(" + DDL_LOCK + ")");
			try {
				sql.execute(
						"REVOKE ALL ON DATABASE " + pg.escapeIdentifier(properties.databaseName()) + " FROM PUBLIC");
				sql.execute("REVOKE ALL ON DATABASE " + pg.escapeIdentifier(controlPlaneDatabase) + " FROM PUBLIC");
				sql.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
				sql.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC");
			}
			finally {
				sql.execute("SELECT pg_advisory_unlock(" + DDL_LOCK + ")");
			}
		}
		databaseHardened.set(true);
	}

	private static void lockDdl(Connection connection) throws SQLException {
		try (Statement sql = connection.createStatement()) {
			sql.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
		}
	}

	private void ensureRole(Connection connection, String tenantId, String role, Tier tier) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quoted = pg.escapeIdentifier(role);
		Optional<String> comment = comment(connection, "pg_roles", "rolname", role);
		requireOursOrAbsent(comment, tenantId, "role", role);
		claim(tenantId, ResourceKind.DATABASE_ROLE, role);
		String attributes = " LOGIN NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
				+ "CONNECTION LIMIT " + tier.postgresConnectionLimit();
		try (Statement sql = connection.createStatement()) {
			if (comment.isEmpty()) {
				sql.execute("CREATE ROLE " + quoted + attributes);
				sql.execute("COMMENT ON ROLE " + quoted + " IS " + literal(pg, OWNER_MARK + tenantId));
			}
			else {
				sql.execute("ALTER ROLE " + quoted + attributes);
			}
			sql.execute("ALTER ROLE " + quoted + " SET search_path = " + quoted);
			sql.execute("ALTER ROLE " + quoted + " SET statement_timeout = "
					+ literal(pg, Long.toString(tier.postgresStatementTimeout().toMillis())));
			sql.execute("ALTER ROLE " + quoted + " SET idle_in_transaction_session_timeout = "
					+ literal(pg, Long.toString(properties.idleInTransactionTimeout().toMillis())));
			sql.execute(
					"GRANT CONNECT ON DATABASE " + pg.escapeIdentifier(properties.databaseName()) + " TO " + quoted);
			sql.execute("ALTER DEFAULT PRIVILEGES FOR ROLE " + quoted + " REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC");
		}
	}

	private void ensureSchema(Connection connection, String tenantId, String schema, String role) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quoted = pg.escapeIdentifier(schema);
		Optional<String> comment = comment(connection, "pg_namespace", "nspname", schema);
		requireOursOrAbsent(comment, tenantId, "schema", schema);
		claim(tenantId, ResourceKind.DATABASE_SCHEMA, schema);
		try (Statement sql = connection.createStatement()) {
			if (comment.isEmpty()) {
				sql.execute("CREATE SCHEMA " + quoted + " AUTHORIZATION " + pg.escapeIdentifier(role));
				sql.execute("COMMENT ON SCHEMA " + quoted + " IS " + literal(pg, OWNER_MARK + tenantId));
			}
			sql.execute("ALTER SCHEMA " + quoted + " OWNER TO " + pg.escapeIdentifier(role));
			sql.execute("GRANT ALL ON SCHEMA " + quoted + " TO " + pg.escapeIdentifier(role));
			sql.execute("REVOKE ALL ON SCHEMA " + quoted + " FROM PUBLIC");
		}
	}

	/**
	 * The comment of a role or schema: empty when it does not exist, "" when it exists
	 * without one (not ours).
	 */
	private static Optional<String> comment(Connection connection, String catalog, String nameColumn, String name)
			throws SQLException {
		String objectIdCatalog = catalog.equals("pg_roles") ? "pg_authid" : catalog;
		String sql = "SELECT coalesce(" + (catalog.equals("pg_roles") ? "shobj_description" : "obj_description")
				+ "(oid, '" + objectIdCatalog + "'), '') FROM " + catalog + " WHERE " + nameColumn + " = ?";
		try (PreparedStatement query = connection.prepareStatement(sql)) {
			query.setString(1, name);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
			}
		}
	}

	/** A quoted SQL string literal (pgjdbc's escapeLiteral only doubles the quotes). */
	private static String literal(PGConnection pg, String value) throws SQLException {
		return "'" + pg.escapeLiteral(value) + "'";
	}

	/**
	 * A rollout's schema step: the tenant's migrations up to {@code schemaTarget} applied
	 * as the tenant role (Flyway {@code target}); safe to repeat. How many ran.
	 */
	public int migrateTo(Tenant tenant, String schemaTarget) {
		return migrate(tenant.names(), schemaTarget);
	}

	/**
	 * The tenant migration versions on the classpath ({@code db/tenant}), oldest first.
	 */
	public java.util.List<String> schemaVersions() {
		return migrationSettings.getResourceProvider()
			.getResources("V", new String[] { ".sql" })
			.stream()
			.map(r -> r.getFilename().substring(1, r.getFilename().indexOf("__")).replace('_', '.'))
			.map(org.flywaydb.core.api.MigrationVersion::fromVersion)
			.sorted()
			.map(org.flywaydb.core.api.MigrationVersion::getVersion)
			.toList();
	}

	/**
	 * Applies the tenant's migrations as the tenant role, on a pooled connection (see
	 * {@link RoleDataSource}).
	 */
	private int migrate(TenantNames names, String schemaTarget) {
		try {
			var configuration = Flyway.configure()
				.configuration(migrationSettings)
				.dataSource(new RoleDataSource(tenants, names.databaseRole()))
				.schemas(names.databaseSchema())
				.defaultSchema(names.databaseSchema());
			if (schemaTarget != null) {
				configuration.target(schemaTarget);
			}
			var result = configuration.load().migrate();
			if (result.migrationsExecuted > 0) {
				log.info("Applied {} tenant migrations to {}", result.migrationsExecuted, names.databaseSchema());
			}
			return result.migrationsExecuted;
		}
		catch (FlywayException e) {
			Throwable cause = e.getCause();
			if (cause instanceof SQLException sql && SqlFaults.isTransient(sql)) {
				throw SqlFaults.classify("tenant migrations of " + names, sql);
			}
			throw new StepFailedException("tenant migrations of " + names + " failed: " + e.getMessage(), e);
		}
	}

}
