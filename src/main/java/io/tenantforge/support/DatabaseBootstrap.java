package io.tenantforge.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.postgresql.Driver;
import org.postgresql.core.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a PostgreSQL database when it is missing, so a fresh server needs no manual
 * step: connects to the {@code postgres} maintenance database of the same server with the
 * same credentials.
 */
public final class DatabaseBootstrap {

	private static final Logger log = LoggerFactory.getLogger(DatabaseBootstrap.class);

	private static final String DUPLICATE_DATABASE = "42P04";

	private DatabaseBootstrap() {
	}

	public static void ensureDatabaseExists(String jdbcUrl, String username, String password) {
		Properties parsed = Driver.parseURL(jdbcUrl, null);
		if (parsed == null) {
			throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
		}
		String database = parsed.getProperty("PGDBNAME");
		String maintenanceUrl = "jdbc:postgresql://" + parsed.getProperty("PGHOST") + ":" + parsed.getProperty("PGPORT")
				+ "/postgres";
		Properties credentials = new Properties();
		if (username != null) {
			credentials.setProperty("user", username);
		}
		if (password != null) {
			credentials.setProperty("password", password);
		}
		try (Connection connection = DriverManager.getConnection(maintenanceUrl, credentials)) {
			if (exists(connection, database)) {
				return;
			}
			try (Statement create = connection.createStatement()) {
				create.execute("CREATE DATABASE " + Utils.escapeIdentifier(null, database));
				log.info("Created database {}", database);
			}
		}
		catch (SQLException e) {
			if (DUPLICATE_DATABASE.equals(e.getSQLState())) {
				return; // another instance created it at the same moment
			}
			throw new RetryableException("cannot make sure database " + database + " exists: " + e.getMessage(), e);
		}
	}

	private static boolean exists(Connection connection, String database) throws SQLException {
		try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
			query.setString(1, database);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next();
			}
		}
	}

}
