package io.tenantforge.database;

import java.nio.file.Path;
import java.time.Duration;

import io.tenantforge.tenant.TenantNames;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The PostgreSQL database that holds every tenant's schema.
 *
 * @param url JDBC URL of the tenants database, as the control plane reaches it (created
 * when missing)
 * @param username an account that may create roles and schemas
 * @param password its password
 * @param tenantHost host that tenant containers use to reach PostgreSQL
 * @param tenantPort port that tenant containers use
 * @param idleInTransactionTimeout idle_in_transaction_session_timeout of every tenant
 * role
 * @param archiveOnDelete keep a {@code pg_dump} of a tenant's schema before it is dropped
 * @param archiveDir where those dumps go
 * @param pgDump the pg_dump program (its major version must not be older than the
 * server's)
 */
@ConfigurationProperties("tenantforge.database")
public record TenantDatabaseProperties(String url, String username, String password, String tenantHost, int tenantPort,
		Duration idleInTransactionTimeout, Boolean archiveOnDelete, Path archiveDir, String pgDump) {

	public TenantDatabaseProperties {
		idleInTransactionTimeout = idleInTransactionTimeout == null ? Duration.ofSeconds(60) : idleInTransactionTimeout;
		archiveOnDelete = archiveOnDelete == null || archiveOnDelete;
		archiveDir = archiveDir == null ? Path.of("var/archive") : archiveDir;
		pgDump = pgDump == null ? "pg_dump" : pgDump;
	}

	/** The database name, taken from the URL. */
	public String databaseName() {
		return org.postgresql.Driver.parseURL(url, null).getProperty("PGDBNAME");
	}

	/**
	 * The tenant's {@code DATABASE_URL}: its role at the tenant address, its schema first
	 * on the search path.
	 */
	public String tenantUrl(TenantNames names) {
		return "postgresql://" + names.databaseRole() + "@" + tenantHost + ":" + tenantPort + "/" + databaseName()
				+ "?options=-c%20search_path%3D" + names.databaseSchema();
	}

}
