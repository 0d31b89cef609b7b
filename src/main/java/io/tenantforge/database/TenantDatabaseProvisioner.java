package io.tenantforge.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;

import org.postgresql.PGConnection;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.DaemonThreads;
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

	private final HikariDataSource tenants;

	private final TenantDatabaseProperties properties;

	private final ResourceLedger ledger;

	private final TenantSecrets secrets;

	private final AtomicBoolean databaseHardened = new AtomicBoolean();

	/** Where the SCRAM verifiers of new passwords are computed. */
	private final ExecutorService verifiers = Executors.newFixedThreadPool(2, DaemonThreads.named("scram-verifier"));

	private final SchemaMigrator migrator;

	private final SchemaPool pool;

	/** The control plane's own database, which no tenant role may connect to. */
	private final String controlPlaneDatabase;

	public TenantDatabaseProvisioner(@Qualifier("tenantsDataSource") HikariDataSource tenants,
			TenantDatabaseProperties properties, ResourceLedger ledger, TenantSecrets secrets,
			@Value("${spring.datasource.url}") String controlPlaneUrl, SchemaMigrator migrator, SchemaPool pool) {
		this.migrator = migrator;
		this.pool = pool;
		this.tenants = tenants;
		this.controlPlaneDatabase = org.postgresql.Driver.parseURL(controlPlaneUrl, null).getProperty("PGDBNAME");
		this.properties = properties;
		this.ledger = ledger;
		this.secrets = secrets;
	}

	@PreDestroy
	void stop() {
		verifiers.shutdownNow();
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
		String schema = names.databaseSchema();
		String mark = OWNER_MARK + tenant.id();
		String password = secrets.getOrCreate(tenant.id(), TenantSecrets.DATABASE_PASSWORD);
		long began = System.nanoTime();
		// the password's SCRAM verifier (4096 PBKDF2 rounds, ~12 ms of CPU under C1)
		// computed while the lock is taken and the role made
		CompletableFuture<String> verifier = CompletableFuture
			.supplyAsync(() -> PasswordUtil.encodeScramSha256(password.toCharArray()), verifiers);
		boolean fromPool;
		try (Connection connection = tenants.getConnection()) {
			hardenDatabaseOnce(connection);
			connection.setAutoCommit(false);
			TenantDdl.lock(connection);
			Optional<String> roleMark = TenantDdl.comment(connection, "pg_roles", "rolname", role);
			Optional<String> schemaMark = TenantDdl.comment(connection, "pg_namespace", "nspname", schema);
			requireOursOrAbsent(roleMark, tenant.id(), "role", role);
			requireOursOrAbsent(schemaMark, tenant.id(), "schema", schema);
			claim(tenant.id(), ResourceKind.DATABASE_ROLE, role);
			claim(tenant.id(), ResourceKind.DATABASE_SCHEMA, schema);
			// a first provisioning takes a ready pair from the warm pool when there is
			// one:
			// renamed to the tenant's names, already migrated to the target
			fromPool = roleMark.isEmpty() && schemaMark.isEmpty()
					&& pool.take(connection, tenant.id(), role, schema, tenant.tier(), migrator.resolve(schemaTarget));
			TenantDdl.role(connection, role, fromPool || roleMark.isPresent(), mark, tier, properties, true);
			TenantDdl.password(connection, role, verifier.join());
			TenantDdl.schema(connection, schema, fromPool || schemaMark.isPresent(), mark, role);
			connection.commit();
		}
		catch (SQLException e) {
			throw SqlFaults.classify("database step for " + tenant.id(), e);
		}
		long prepared = System.nanoTime();
		if (fromPool) {
			pool.refillSoon();
		}
		else {
			migrator.migrate(role, schema, schemaTarget);
		}
		log.debug("database step of {}: role and schema {} ms{}, migrations {} ms", tenant.id(),
				(prepared - began) / 1_000_000, fromPool ? " (from the warm pool)" : "",
				(System.nanoTime() - prepared) / 1_000_000);
	}

	/**
	 * True when the role and schema exist and are ours (used by tests and the health
	 * sweep).
	 */
	public boolean exists(TenantNames names) {
		try (Connection connection = tenants.getConnection()) {
			return TenantDdl.comment(connection, "pg_roles", "rolname", names.databaseRole()).isPresent()
					&& TenantDdl.comment(connection, "pg_namespace", "nspname", names.databaseSchema()).isPresent();
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
			return TenantDdl.comment(connection, "pg_namespace", "nspname", names.databaseSchema()).isPresent();
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
			if (!ours(TenantDdl.comment(connection, "pg_roles", "rolname", role), tenant.id())) {
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
					if (ours(TenantDdl.comment(connection, "pg_namespace", "nspname", schema), tenant.id())) {
						sql.execute("DROP SCHEMA " + pg.escapeIdentifier(schema) + " CASCADE");
					}
					ledger.release(tenant.id(), ResourceKind.DATABASE_SCHEMA, schema);
				}
				if (ledger.owns(tenant.id(), ResourceKind.DATABASE_ROLE, role)) {
					if (ours(TenantDdl.comment(connection, "pg_roles", "rolname", role), tenant.id())) {
						sql.execute("ALTER ROLE " + pg.escapeIdentifier(role) + " NOLOGIN");
						terminateSessions(connection, role);
						connection.setAutoCommit(false);
						TenantDdl.lock(connection);
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
			TenantDdl.lockSession(sql);
			try {
				sql.execute(
						"REVOKE ALL ON DATABASE " + pg.escapeIdentifier(properties.databaseName()) + " FROM PUBLIC");
				sql.execute("REVOKE ALL ON DATABASE " + pg.escapeIdentifier(controlPlaneDatabase) + " FROM PUBLIC");
				sql.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC");
				sql.execute("ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC");
			}
			finally {
				TenantDdl.unlockSession(sql);
			}
		}
		databaseHardened.set(true);
	}

	/**
	 * A rollout's schema step: the tenant's migrations up to {@code schemaTarget} applied
	 * as the tenant role (Flyway {@code target}); safe to repeat. How many ran.
	 */
	public int migrateTo(Tenant tenant, String schemaTarget) {
		return migrator.migrate(tenant.names().databaseRole(), tenant.names().databaseSchema(), schemaTarget);
	}

	/**
	 * The tenant migration versions on the classpath ({@code db/tenant}), oldest first.
	 */
	public java.util.List<String> schemaVersions() {
		return migrator.versions();
	}

}
