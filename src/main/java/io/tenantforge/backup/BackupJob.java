package io.tenantforge.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.tenantforge.tenant.Tenant;

/**
 * A backup under way, as the steps of the backup route hand it on: the tenant, then what
 * each step read or made.
 *
 * @param trigger api or schedule
 */
public record BackupJob(Tenant tenant, String id, String trigger, Instant startedAt, byte[] schemaDump,
		Map<String, Long> rows, String schemaVersion, NamespaceSnapshot namespace, List<BackupStore.BackupFile> files,
		BackupManifest manifest) {

	static BackupJob start(Tenant tenant, String trigger, Instant now) {
		return new BackupJob(tenant, BackupIds.next(now), trigger, now, null, Map.of(), null, null, List.of(), null);
	}

	BackupJob withSchema(byte[] dump, Map<String, Long> counts, String version) {
		return new BackupJob(tenant, id, trigger, startedAt, dump, counts, version, namespace, files, manifest);
	}

	BackupJob withNamespace(NamespaceSnapshot snapshot) {
		return new BackupJob(tenant, id, trigger, startedAt, schemaDump, rows, schemaVersion, snapshot, files,
				manifest);
	}

	BackupJob sealed(List<BackupStore.BackupFile> sealedFiles, BackupManifest written) {
		return new BackupJob(tenant, id, trigger, startedAt, schemaDump, rows, schemaVersion, namespace, sealedFiles,
				written);
	}

	@Override
	public String toString() {
		return "BackupJob[" + id + " of " + tenant.id() + "]";
	}

}
