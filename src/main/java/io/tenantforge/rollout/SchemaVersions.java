package io.tenantforge.rollout;

import org.flywaydb.core.api.MigrationVersion;

/** Tenant schema versions compare as Flyway versions ("2" < "2.1" < "10"). */
final class SchemaVersions {

	private SchemaVersions() {
	}

	static int compare(String a, String b) {
		return MigrationVersion.fromVersion(a).compareTo(MigrationVersion.fromVersion(b));
	}

}
