package io.tenantforge.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.postgresql.PGConnection;

import io.tenantforge.tenant.Tier;

/**
 * The statements that make a tenant's role and schema what its tier says, shared by the
 * database step and the warm pool (which makes the same pair ahead of an order, under a
 * name and mark of its own). Every statement is safe to repeat.
 */
final class TenantDdl {

	/**
	 * Serialises DDL that rewrites shared catalog rows (GRANT ON DATABASE): "tuple
	 * concurrently updated"; also what makes taking a pool slot safe between control
	 * planes.
	 */
	private static final long DDL_LOCK = 0x7465_6e61_6e74L;

	private TenantDdl() {
	}

	/** Holds the DDL lock until the transaction ends. */
	static void lock(Connection connection) throws SQLException {
		try (Statement sql = connection.createStatement()) {
			sql.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
		}
	}

	/** Holds the DDL lock for the session (the connection must unlock it). */
	static void lockSession(Statement sql) throws SQLException {
		sql.execute("SELECT pg_advisory_lock(" + DDL_LOCK + ")");
	}

	static void unlockSession(Statement sql) throws SQLException {
		sql.execute("SELECT pg_advisory_unlock(" + DDL_LOCK + ")");
	}

	/**
	 * The role with the tier's attributes and settings: created with {@code mark} as its
	 * comment when it does not exist, altered to them when it does. {@code login}: may
	 * log in (a pool slot's role may not until a tenant takes it).
	 */
	static void role(Connection connection, String role, boolean exists, String mark, Tier tier,
			TenantDatabaseProperties properties, boolean login) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quoted = pg.escapeIdentifier(role);
		String attributes = (login ? " LOGIN" : " NOLOGIN")
				+ " NOINHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS CONNECTION LIMIT "
				+ tier.postgresConnectionLimit();
		try (Statement sql = connection.createStatement()) {
			if (!exists) {
				sql.execute("CREATE ROLE " + quoted + attributes);
				sql.execute("COMMENT ON ROLE " + quoted + " IS " + literal(pg, mark));
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

	/**
	 * The schema owned by the role, closed to PUBLIC: created with {@code mark} as its
	 * comment when it does not exist.
	 */
	static void schema(Connection connection, String schema, boolean exists, String mark, String role)
			throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quoted = pg.escapeIdentifier(schema);
		try (Statement sql = connection.createStatement()) {
			if (!exists) {
				sql.execute("CREATE SCHEMA " + quoted + " AUTHORIZATION " + pg.escapeIdentifier(role));
				sql.execute("COMMENT ON SCHEMA " + quoted + " IS " + literal(pg, mark));
			}
			sql.execute("ALTER SCHEMA " + quoted + " OWNER TO " + pg.escapeIdentifier(role));
			sql.execute("GRANT ALL ON SCHEMA " + quoted + " TO " + pg.escapeIdentifier(role));
			sql.execute("REVOKE ALL ON SCHEMA " + quoted + " FROM PUBLIC");
		}
	}

	/**
	 * The role's password, given as its SCRAM verifier (what pgjdbc's
	 * {@code alterUserPassword} sends too): the password itself never reaches the server
	 * or its statement log.
	 */
	static void password(Connection connection, String role, String scramVerifier) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		try (Statement sql = connection.createStatement()) {
			sql.execute("ALTER ROLE " + pg.escapeIdentifier(role) + " PASSWORD " + literal(pg, scramVerifier));
		}
	}

	/** Sets the comment (tenantforge's mark) of a role or schema. */
	static void mark(Connection connection, String kind, String name, String mark) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		try (Statement sql = connection.createStatement()) {
			sql.execute("COMMENT ON " + kind + " " + pg.escapeIdentifier(name) + " IS " + literal(pg, mark));
		}
	}

	/**
	 * The comment of a role or schema: empty when it does not exist, "" when it exists
	 * without one (not ours).
	 */
	static Optional<String> comment(Connection connection, String catalog, String nameColumn, String name)
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
	static String literal(PGConnection pg, String value) throws SQLException {
		return "'" + pg.escapeLiteral(value) + "'";
	}

}
