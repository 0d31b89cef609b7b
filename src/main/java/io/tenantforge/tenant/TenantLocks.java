package io.tenantforge.tenant;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import javax.sql.DataSource;

import io.tenantforge.support.SqlFaults;

import org.springframework.stereotype.Component;

/**
 * One reconciler per tenant at a time, across every control-plane instance sharing the
 * database: a PostgreSQL session-level advisory lock on a connection held for the whole
 * reconcile. If the holder crashes, its connection dies and PostgreSQL releases the lock
 * at once: no lease to wait out.
 */
@Component
public class TenantLocks {

	/**
	 * First key of tenantforge's advisory locks (the second is the hash of the tenant
	 * id).
	 */
	private static final int NAMESPACE = 0x7466;

	private final DataSource dataSource;

	public TenantLocks(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	/** The tenant's lock, or empty when another reconciler holds it. */
	public Optional<TenantLock> tryLock(String tenantId) {
		Connection connection = null;
		try {
			connection = dataSource.getConnection();
			connection.setAutoCommit(true);
			try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
				lock.setInt(1, NAMESPACE);
				lock.setString(2, tenantId);
				try (ResultSet rs = lock.executeQuery()) {
					if (rs.next() && rs.getBoolean(1)) {
						return Optional.of(new TenantLock(connection, tenantId));
					}
				}
			}
			connection.close();
			return Optional.empty();
		}
		catch (SQLException e) {
			closeQuietly(connection);
			throw SqlFaults.classify("locking tenant " + tenantId, e);
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ignored) {
				// the connection is gone; so is the lock
			}
		}
	}

	/** A held lock; closing it unlocks and returns the connection. */
	public static final class TenantLock implements AutoCloseable {

		private final Connection connection;

		private final String tenantId;

		TenantLock(Connection connection, String tenantId) {
			this.connection = connection;
			this.tenantId = tenantId;
		}

		@Override
		public void close() {
			try (PreparedStatement unlock = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
				unlock.setInt(1, NAMESPACE);
				unlock.setString(2, tenantId);
				unlock.execute();
			}
			catch (SQLException e) {
				// a broken connection has lost the lock already
			}
			finally {
				closeQuietly(connection);
			}
		}

	}

}
