package io.tenantforge.database;

import java.sql.SQLException;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.SqlFaults;
import io.tenantforge.support.StepFailedException;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The tenant migrations ({@code db/tenant}) applied to one schema as its own role, by
 * Flyway, on a pooled connection (see {@link RoleDataSource}).
 */
@Component
class SchemaMigrator {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

	private final HikariDataSource tenants;

	/**
	 * The tenant migrations, read once: every tenant's Flyway run is given them, so none
	 * scans the classpath.
	 */
	private final ResourceProvider migrations = TenantMigrations.load();

	SchemaMigrator(@Qualifier("tenantsDataSource") HikariDataSource tenants) {
		this.tenants = tenants;
	}

	/**
	 * Applies the migrations up to {@code target} (null: all of them) to {@code schema}
	 * as {@code role}; safe to repeat. How many ran.
	 */
	int migrate(String role, String schema, String target) {
		try {
			// set one by one, not copied from a shared configuration: Flyway copies a
			// configuration's plugins through JSON, a third of a run's CPU (issue 16)
			var configuration = Flyway.configure()
				.resourceProvider(migrations)
				.javaMigrationClassProvider(List::of)
				.createSchemas(false)
				.dataSource(new RoleDataSource(tenants, role))
				.schemas(schema)
				.defaultSchema(schema);
			if (target != null) {
				configuration.target(target);
			}
			var result = configuration.load().migrate();
			if (result.migrationsExecuted > 0) {
				log.info("Applied {} tenant migrations to {}", result.migrationsExecuted, schema);
			}
			return result.migrationsExecuted;
		}
		catch (FlywayException e) {
			Throwable cause = e.getCause();
			if (cause instanceof SQLException sql && SqlFaults.isTransient(sql)) {
				throw SqlFaults.classify("tenant migrations of " + schema, sql);
			}
			throw new StepFailedException("tenant migrations of " + schema + " failed: " + e.getMessage(), e);
		}
	}

	/** The migration versions on the classpath, oldest first. */
	List<String> versions() {
		return migrations.getResources("V", new String[] { ".sql" })
			.stream()
			.map(r -> r.getFilename().substring(1, r.getFilename().indexOf("__")).replace('_', '.'))
			.map(MigrationVersion::fromVersion)
			.sorted()
			.map(MigrationVersion::getVersion)
			.toList();
	}

	/** The version {@code target} stands for: itself, or the newest when null. */
	String resolve(String target) {
		List<String> versions = versions();
		return target != null ? target : versions.get(versions.size() - 1);
	}

}
