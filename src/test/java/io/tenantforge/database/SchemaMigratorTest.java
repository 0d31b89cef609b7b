package io.tenantforge.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.SchemaFingerprint;
import io.tenantforge.support.StepFailedException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A schema's first run of the tenant migrations ({@link FirstMigration}, one transaction
 * instead of Flyway's run) against the real PostgreSQL: it must leave exactly what Flyway
 * leaves, history included, so that Flyway takes the schema over; anything it cannot do
 * is left to Flyway. Each schema here has a role of its own owning it, as a tenant's does
 * ({@code tfmigtest_*}: neither a tenant's name nor a pool slot's).
 */
@IntegrationTest
class SchemaMigratorTest {

	private static final List<String> SCHEMAS = List.of("tfmigtest_first", "tfmigtest_flyway");

	@Autowired
	@Qualifier("tenantsDataSource")
	HikariDataSource tenantsDataSource;

	@Autowired
	SchemaMigrator migrator;

	JdbcTemplate tenants;

	@BeforeEach
	void schemas() {
		tenants = new JdbcTemplate(tenantsDataSource);
		drop();
		for (String name : SCHEMAS) {
			tenants.execute("CREATE ROLE " + name + " NOLOGIN");
			tenants.execute("CREATE SCHEMA " + name + " AUTHORIZATION " + name);
		}
	}

	/**
	 * The runs' connections went back to the pool as themselves: a connection left acting
	 * as a tenant role would make the next tenant's DDL fail ("permission denied to
	 * create role").
	 */
	@AfterEach
	void connectionsAreTheAdminsAgain() throws Exception {
		List<Connection> held = new ArrayList<>();
		try {
			int idle = tenantsDataSource.getHikariPoolMXBean().getIdleConnections();
			for (int i = 0; i < idle; i++) {
				held.add(tenantsDataSource.getConnection());
			}
			for (Connection connection : held) {
				try (Statement sql = connection.createStatement();
						ResultSet rs = sql
							.executeQuery("SELECT current_user = session_user, current_setting('search_path')")) {
					rs.next();
					assertThat(rs.getBoolean(1)).as("acting as itself").isTrue();
					assertThat(rs.getString(2)).doesNotContain("tfmigtest");
				}
			}
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
	}

	@AfterEach
	void drop() {
		for (String name : SCHEMAS) {
			tenants.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
			tenants.execute("DROP ROLE IF EXISTS " + name);
		}
	}

	@Test
	void aFirstRunLeavesWhatFlywayLeavesAndFlywayTakesTheSchemaOver() {
		assertThat(migrator.migrate("tfmigtest_first", "tfmigtest_first", null)).isEqualTo(2);
		assertThat(migrator.migrateWithFlyway("tfmigtest_flyway", "tfmigtest_flyway", null)).isEqualTo(2);

		assertThat(transactions("tfmigtest_first")).as("one transaction: the first run").isEqualTo(1);
		assertThat(transactions("tfmigtest_flyway")).as("one per migration: Flyway").isEqualTo(2);
		assertThat(fingerprint("tfmigtest_first")).hasSizeGreaterThan(20).isEqualTo(fingerprint("tfmigtest_flyway"));

		Flyway flyway = flyway("tfmigtest_first");
		assertThat(flyway.validateWithResult().validationSuccessful).as("Flyway validates the history").isTrue();
		assertThat(flyway.info().all()).extracting(MigrationInfo::getState)
			.containsExactly(MigrationState.SUCCESS, MigrationState.SUCCESS);
		assertThat(migrator.migrate("tfmigtest_first", "tfmigtest_first", null)).as("again: nothing to do").isZero();
	}

	@Test
	void aFirstRunToATargetStopsThereAndFlywayAppliesTheRestLater() {
		assertThat(migrator.migrate("tfmigtest_first", "tfmigtest_first", "1")).isEqualTo(1);
		assertThat(migrator.migrate("tfmigtest_first", "tfmigtest_first", null)).isEqualTo(1);

		assertThat(transactions("tfmigtest_first")).as("the first run, then Flyway's").isEqualTo(2);
		migrator.migrateWithFlyway("tfmigtest_flyway", "tfmigtest_flyway", "1");
		migrator.migrateWithFlyway("tfmigtest_flyway", "tfmigtest_flyway", null);
		assertThat(fingerprint("tfmigtest_first")).isEqualTo(fingerprint("tfmigtest_flyway"));
	}

	@Test
	void aFailingMigrationEndsAsFlywayEndsIt() {
		SchemaMigrator failing = new SchemaMigrator(tenantsDataSource,
				TenantMigrations.of(scripts("CREATE TABLE kept (id int);", "CREATE TABLE lost (id int); SELECT 1/0;")));

		bothRunsFail(failing, "division by zero");

		assertThat(fingerprint("tfmigtest_first")).anyMatch(fact -> fact.startsWith("kept | r | <schema>"))
			.noneMatch(fact -> fact.startsWith("lost"))
			.isEqualTo(fingerprint("tfmigtest_flyway"));
	}

	@Test
	void aSchemaWithObjectsButNoHistoryIsLeftToFlywayWhichRefusesIt() {
		for (String schema : SCHEMAS) {
			tenants.execute("CREATE TABLE " + schema + ".customers (id int)");
			tenants.execute("ALTER TABLE " + schema + ".customers OWNER TO " + schema);
		}

		bothRunsFail(migrator, "non-empty schema");
		assertThat(fingerprint("tfmigtest_first")).isEqualTo(fingerprint("tfmigtest_flyway"));
	}

	@Test
	void migrationsWithPlaceholdersAreLeftToFlyway() {
		SchemaMigrator placeholders = new SchemaMigrator(tenantsDataSource,
				TenantMigrations.of(scripts("CREATE TABLE made_by (who text DEFAULT '${flyway:defaultSchema}');",
						"CREATE TABLE second (id int);")));

		assertThat(placeholders.migrate("tfmigtest_first", "tfmigtest_first", null)).isEqualTo(2);

		assertThat(transactions("tfmigtest_first")).as("Flyway's: one per migration").isEqualTo(2);
		assertThat(tenants.queryForObject("SELECT column_default FROM information_schema.columns "
				+ "WHERE table_schema = 'tfmigtest_first' AND table_name = 'made_by'", String.class))
			.contains("tfmigtest_first");
	}

	@Test
	void firstRunsAtOnceOnOneSchemaApplyEachMigrationOnce() {
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<Integer>> runs = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			runs.add(CompletableFuture.supplyAsync(() -> {
				try {
					start.await();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
				return migrator.migrate("tfmigtest_first", "tfmigtest_first", null);
			}));
		}
		start.countDown();

		assertThat(runs.stream().mapToInt(CompletableFuture::join).sum()).as("migrations run, all runs together")
			.isEqualTo(2);
		assertThat(tenants.queryForList(
				"SELECT version FROM tfmigtest_first.flyway_schema_history ORDER BY installed_rank", String.class))
			.containsExactly("1", "2");
	}

	/**
	 * {@code migrator}'s run on {@code tfmigtest_first} (a first run if it can) and
	 * Flyway's on {@code tfmigtest_flyway} both fail with {@code message}.
	 */
	private static void bothRunsFail(SchemaMigrator migrator, String message) {
		assertThatThrownBy(() -> migrator.migrate("tfmigtest_first", "tfmigtest_first", null))
			.isInstanceOf(StepFailedException.class)
			.hasMessageContaining(message);
		assertThatThrownBy(() -> migrator.migrateWithFlyway("tfmigtest_flyway", "tfmigtest_flyway", null))
			.isInstanceOf(StepFailedException.class)
			.hasMessageContaining(message);
	}

	private static Map<String, String> scripts(String first, String second) {
		Map<String, String> scripts = new LinkedHashMap<>();
		scripts.put("V1__first.sql", first);
		scripts.put("V2__second.sql", second);
		return scripts;
	}

	/** How many transactions wrote the schema's history (rows of one share its time). */
	private int transactions(String schema) {
		return tenants.queryForObject("SELECT count(DISTINCT installed_on) FROM " + schema + ".flyway_schema_history",
				Integer.class);
	}

	private Flyway flyway(String schema) {
		return Flyway.configure()
			.dataSource(new RoleDataSource(tenantsDataSource, schema))
			.locations("classpath:" + TenantMigrations.LOCATION)
			.schemas(schema)
			.defaultSchema(schema)
			.load();
	}

	/** What the migrations left in the schema, its name replaced. */
	private List<String> fingerprint(String schema) {
		return SchemaFingerprint.of(tenants, schema).stream().map(fact -> fact.replace(schema, "<schema>")).toList();
	}

}
