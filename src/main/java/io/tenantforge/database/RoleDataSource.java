package io.tenantforge.database;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;

/**
 * Connections of the admin pool acting as one tenant role ({@code SET ROLE}) until they
 * go back to the pool ({@code RESET ROLE}): the tenant's migrations run as the tenant, so
 * everything they create is the tenant's, on a warm connection instead of a fresh login
 * with a SCRAM exchange per provisioning. A connection that cannot be reset is evicted
 * from the pool, never handed out again.
 */
final class RoleDataSource implements DataSource {

	private final HikariDataSource pool;

	private final String role;

	RoleDataSource(HikariDataSource pool, String role) {
		this.pool = pool;
		this.role = role;
	}

	@Override
	public Connection getConnection() throws SQLException {
		Connection connection = pool.getConnection();
		try (Statement sql = connection.createStatement()) {
			sql.execute("SET ROLE " + connection.unwrap(PGConnection.class).escapeIdentifier(role));
		}
		catch (SQLException e) {
			pool.evictConnection(connection);
			throw e;
		}
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, (proxy, method, args) -> {
					if (method.getName().equals("close") && method.getParameterCount() == 0) {
						giveBack(connection);
						return null;
					}
					try {
						return method.invoke(connection, args);
					}
					catch (InvocationTargetException e) {
						throw e.getCause();
					}
				});
	}

	private void giveBack(Connection connection) throws SQLException {
		try {
			if (!connection.getAutoCommit()) {
				connection.rollback();
				// else the RESETs below would run in a transaction the pool rolls back
				connection.setAutoCommit(true);
			}
			try (Statement sql = connection.createStatement()) {
				sql.execute("RESET ROLE");
				sql.execute("RESET search_path");
			}
			connection.close();
		}
		catch (SQLException e) {
			pool.evictConnection(connection);
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException("connections act as " + role);
	}

	@Override
	public PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(PrintWriter out) {
		// no log writer
	}

	@Override
	public void setLoginTimeout(int seconds) {
		// the pool's timeout applies
	}

	@Override
	public int getLoginTimeout() {
		return 0;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> type) throws SQLException {
		throw new SQLException("not a wrapper of " + type);
	}

	@Override
	public boolean isWrapperFor(Class<?> type) {
		return false;
	}

}
