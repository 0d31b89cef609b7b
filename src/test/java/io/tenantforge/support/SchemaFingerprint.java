package io.tenantforge.support;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What PostgreSQL keeps about the objects in one schema, as lines to compare between two
 * schemas (their names are the caller's to replace): relations with their owners and
 * privileges, columns, constraints, indexes, and Flyway's history but its times.
 */
public final class SchemaFingerprint {

	private SchemaFingerprint() {
	}

	public static List<String> of(JdbcTemplate database, String schema) {
		List<String> facts = new ArrayList<>();
		facts.addAll(database.queryForList("""
				SELECT concat_ws(' | ', c.relname, c.relkind, pg_get_userbyid(c.relowner), c.relacl::text)
				  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? ORDER BY 1""",
				String.class, schema));
		facts.addAll(database.queryForList("""
				SELECT concat_ws(' | ', table_name, column_name, data_type, character_maximum_length, column_default,
				                 is_nullable)
				  FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, ordinal_position""",
				String.class, schema));
		facts.addAll(database.queryForList("""
				SELECT concat_ws(' | ', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid))
				  FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = ? ORDER BY 1""",
				String.class, schema));
		facts.addAll(database.queryForList("SELECT indexdef FROM pg_indexes WHERE schemaname = ? ORDER BY indexname",
				String.class, schema));
		if (database.queryForObject("SELECT to_regclass(?) IS NOT NULL", Boolean.class,
				"\"" + schema + "\".flyway_schema_history")) {
			facts.addAll(database.queryForList("SELECT concat_ws(' | ', installed_rank, version, description, type, "
					+ "script, checksum, installed_by, success) FROM \"" + schema
					+ "\".flyway_schema_history ORDER BY installed_rank", String.class));
		}
		return facts;
	}

}
