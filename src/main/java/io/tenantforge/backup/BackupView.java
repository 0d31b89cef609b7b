package io.tenantforge.backup;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** A backup as the API shows it (no data of the tenant, no secret). */
public record BackupView(String id, String tenant, String trigger, Instant createdAt, String schemaVersion,
		long sizeBytes, long rows, long keys) {

	static BackupView of(BackupManifest manifest) {
		return new BackupView(manifest.id(), manifest.tenant(), manifest.trigger(), manifest.createdAt(),
				manifest.schemaVersion(), manifest.sizeBytes(), manifest.rowCount(), manifest.keys());
	}

	/**
	 * The creation time as JDBC takes it (the {@code sql:} insert of the backup route).
	 */
	public OffsetDateTime createdAtUtc() {
		return createdAt.atOffset(ZoneOffset.UTC);
	}

}
