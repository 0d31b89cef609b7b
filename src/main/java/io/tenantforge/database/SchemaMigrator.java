package io.tenantforge.database;

import java.sql.SQLException;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
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
	 * What every tenant's Flyway run shares: the migrations, read once, and no schema
	 * creation.
	 */
	private final org.flywaydb.core.api.configuration.Configuration settings = Flyway.configure()
		.resourceProvider(TenantMigrations.load())
		.javaMigrationClassProvider(List::of)
		.createSchemas(false);

	SchemaMigrator(@Qualifier("tenantsDataSource") HikariDataSource tenants) {
		this.tenants = tenants;
	}

	/**
	 * Applies the migrations up to {@code target} (null: all of them) to {@code schema}
	 * as {@code role}; safe to repeat. How many ran.
	 */
	int migrate(String role, String schema, String target) {
		try {
			var configuration = Flyway.configure()
				.configuration(settings)
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
		return settings.getResourceProvider()
			.getResources("V", new String[] { ".sql" })
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
