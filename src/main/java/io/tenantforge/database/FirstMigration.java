package io.tenantforge.database;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.resource.LoadableResource;
import org.postgresql.PGConnection;

/**
 * The first run of the tenant migrations on a schema that has no history yet (a first
 * provisioning, a warm pool slot): every migration up to the target in one transaction as
 * the tenant role, and the history rows Flyway would have written, with Flyway's own
 * versions, descriptions, scripts and checksums, so that Flyway takes the schema over for
 * every later run (rollouts) as if it had made it.
 *
 * <p>
 * Why: one Flyway run costs a provisioning ~50 ms (issue 16), of which PostgreSQL spends
 * under 10: the rest is Flyway setting itself up and ~30 round trips (metadata, lock,
 * history, one transaction per migration). This costs a handful.
 *
 * <p>
 * It only ever does all or nothing: anything unexpected (a history or anything else
 * already in the schema, a migration that cannot run in a transaction, a failing one)
 * rolls the whole transaction back, and the caller runs Flyway, which then does and
 * reports what it always did. Migrations with Flyway placeholders ({@code ${...}}) or of
 * another kind than versioned SQL are never run here.
 */
final class FirstMigration {

	/**
	 * Flyway's schema history table on PostgreSQL, as Flyway creates it (compared with a
	 * Flyway-made one by {@code SchemaMigratorTest}).
	 */
	private static final String HISTORY_TABLE = """
			CREATE TABLE %1$s."flyway_schema_history" (
			    "installed_rank" INT NOT NULL,
			    "version" VARCHAR(50),
			    "description" VARCHAR(200) NOT NULL,
			    "type" VARCHAR(20) NOT NULL,
			    "script" VARCHAR(1000) NOT NULL,
			    "checksum" INTEGER,
			    "installed_by" VARCHAR(100) NOT NULL,
			    "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
			    "execution_time" INTEGER NOT NULL,
			    "success" BOOLEAN NOT NULL
			);
			ALTER TABLE %1$s."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
			CREATE INDEX "flyway_schema_history_s_idx" ON %1$s."flyway_schema_history" ("success")""";

	/** One versioned SQL migration as Flyway resolved it, with its text. */
	record Step(MigrationVersion version, String description, String script, int checksum, String sql) {
	}

	private final List<Step> steps;

	private FirstMigration(List<Step> steps) {
		this.steps = steps;
	}

	/**
	 * The migrations as Flyway resolved them for a schema without history
	 * ({@code pending}: {@code info().all()} of such a schema), their text read from
	 * {@code migrations}; empty when one of them cannot be run here.
	 */
	static Optional<FirstMigration> of(MigrationInfo[] pending, ResourceProvider migrations) {
		List<Step> steps = new ArrayList<>();
		for (MigrationInfo migration : pending) {
			if (migration.getType() != CoreMigrationType.SQL || migration.getState() != MigrationState.PENDING
					|| migration.getVersion() == null || migration.getChecksum() == null) {
				return Optional.empty();
			}
			String sql = text(migrations, migration.getScript());
			if (sql == null || sql.contains("${")) {
				return Optional.empty();
			}
			steps.add(new Step(migration.getVersion(), migration.getDescription(), migration.getScript(),
					migration.getChecksum(), sql));
		}
		steps.sort(Comparator.comparing(Step::version));
		return Optional.of(new FirstMigration(List.copyOf(steps)));
	}

	private static String text(ResourceProvider migrations, String script) {
		for (LoadableResource resource : migrations.getResources("", new String[] { ".sql" })) {
			if (script.equals(resource.getRelativePath()) || script.equals(resource.getFilename())) {
				try (Reader reader = resource.read()) {
					StringWriter text = new StringWriter();
					reader.transferTo(text);
					return text.toString();
				}
				catch (IOException e) {
					throw new UncheckedIOException(e);
				}
			}
		}
		return null;
	}

	/**
	 * True when {@code schema} is empty: no history, no relation, function or type (one
	 * that is not is Flyway's to refuse, as it does a non-empty schema without history);
	 * then also gives the transaction the search path Flyway gives a run (the schema,
	 * then the role's own). Takes the connection acting as the tenant role, autocommit
	 * off.
	 */
	static boolean begin(Connection connection, String schema) throws SQLException {
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quotedSchema = pg.escapeIdentifier(schema);
		try (PreparedStatement query = connection.prepareStatement(
				"""
						SELECT NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = n.oid)
						   AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE pronamespace = n.oid)
						   AND NOT EXISTS (SELECT 1 FROM pg_type WHERE typnamespace = n.oid AND typtype IN ('d', 'e', 'r', 'm')),
						       set_config('search_path', ? || current_setting('search_path'), true)
						  FROM pg_namespace n WHERE n.nspname = ?""")) {
			query.setString(1, quotedSchema + ",");
			query.setString(2, schema);
			try (ResultSet rs = query.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	/**
	 * After {@link #begin} said yes on {@code connection}: applies the migrations up to
	 * {@code target} (null: all) to {@code schema}, writes their history and commits. How
	 * many ran.
	 * @throws SQLException when a statement fails: the caller lets Flyway run
	 */
	int apply(Connection connection, String schema, String target) throws SQLException {
		MigrationVersion upTo = target == null ? MigrationVersion.LATEST : MigrationVersion.fromVersion(target);
		PGConnection pg = connection.unwrap(PGConnection.class);
		String quotedSchema = pg.escapeIdentifier(schema);
		String history = quotedSchema + ".\"flyway_schema_history\"";
		try (Statement sql = connection.createStatement()) {
			sql.execute(HISTORY_TABLE.formatted(quotedSchema));
			int ran = 0;
			try (PreparedStatement row = connection.prepareStatement("INSERT INTO " + history
					+ " (installed_rank, version, description, type, script, checksum, installed_by, execution_time,"
					+ " success) VALUES (?, ?, ?, 'SQL', ?, ?, current_user, ?, true)")) {
				for (Step step : steps) {
					if (step.version().compareTo(upTo) > 0) {
						continue;
					}
					long began = System.nanoTime();
					sql.execute(step.sql());
					row.setInt(1, ++ran);
					row.setString(2, step.version().getVersion());
					row.setString(3, step.description());
					row.setString(4, step.script());
					row.setInt(5, step.checksum());
					row.setInt(6, (int) ((System.nanoTime() - began) / 1_000_000));
					row.addBatch();
				}
				row.executeBatch();
			}
			connection.commit();
			return ran;
		}
	}

}
