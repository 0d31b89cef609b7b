package io.tenantforge.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.SqlFaults;
import io.tenantforge.support.StepFailedException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The tenant migrations ({@code db/tenant}) applied to one schema as its own role, on a
 * pooled connection (see {@link RoleDataSource}): by Flyway, except a schema's first run,
 * which {@link FirstMigration} does in one transaction and hands over to Flyway.
 */
@Component
class SchemaMigrator {

	private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);

	private final HikariDataSource tenants;

	/**
	 * The tenant migrations, read once: every tenant's Flyway run is given them, so none
	 * scans the classpath.
	 */
	private final ResourceProvider migrations;

	/**
	 * First runs without Flyway: asked of Flyway once (what it resolves from the
	 * migrations), then kept; empty when the migrations need Flyway every time.
	 */
	private volatile Optional<FirstMigration> firstMigration;

	@Autowired
	SchemaMigrator(@Qualifier("tenantsDataSource") HikariDataSource tenants) {
		this(tenants, TenantMigrations.load());
	}

	SchemaMigrator(HikariDataSource tenants, ResourceProvider migrations) {
		this.tenants = tenants;
		this.migrations = migrations;
	}

	/**
	 * Applies the migrations up to {@code target} (null: all of them) to {@code schema}
	 * as {@code role}; safe to repeat. How many ran.
	 */
	int migrate(String role, String schema, String target) {
		Optional<Integer> first = firstRun(role, schema, target);
		return first.isPresent() ? first.get() : migrateWithFlyway(role, schema, target);
	}

	/**
	 * The first run of a schema without history, in one transaction; empty when the
	 * schema has a history or the run failed (rolled back: Flyway runs and reports).
	 */
	private Optional<Integer> firstRun(String role, String schema, String target) {
		try (Connection connection = new RoleDataSource(tenants, role).getConnection()) {
			connection.setAutoCommit(false);
			if (!FirstMigration.begin(connection, schema)) {
				return Optional.empty();
			}
			Optional<FirstMigration> plan = firstMigration;
			if (plan == null) {
				// a schema without history: Flyway's info on it is what Flyway resolved
				plan = FirstMigration.of(flyway(role, schema, null).load().info().all(), migrations);
				firstMigration = plan;
			}
			if (plan.isEmpty()) {
				return Optional.empty();
			}
			int ran = plan.get().apply(connection, schema, target);
			log.info("Applied {} tenant migrations to {} (first run)", ran, schema);
			return Optional.of(ran);
		}
		catch (SQLException | FlywayException e) {
			log.debug("First run of the tenant migrations on {} failed, Flyway runs them: {}", schema, e.getMessage());
			return Optional.empty();
		}
	}

	/** Flyway's run, which every run but a schema's first is. */
	int migrateWithFlyway(String role, String schema, String target) {
		try {
			var configuration = flyway(role, schema, target);
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

	private FluentConfiguration flyway(String role, String schema, String target) {
		// set one by one, not copied from a shared configuration: Flyway copies a
		// configuration's plugins through JSON, a third of a run's CPU (issue 16)
		FluentConfiguration configuration = Flyway.configure()
			.resourceProvider(migrations)
			.javaMigrationClassProvider(List::of)
			.createSchemas(false)
			.dataSource(new RoleDataSource(tenants, role))
			.schemas(schema)
			.defaultSchema(schema);
		if (target != null) {
			configuration.target(target);
		}
		return configuration;
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
