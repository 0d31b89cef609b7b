package io.tenantforge.backup;

import io.tenantforge.tenant.Tenant;

/**
 * A restore under way, as the steps of the restore route hand it on: the tenant restored,
 * the backup opened and checked (its parts in clear), and once recorded, the restore's
 * id.
 */
public record RestoreJob(Tenant tenant, String backupId, String sourceTenant, BackupManifest manifest,
		byte[] schemaDump, NamespaceSnapshot namespace, long restoreId) {

	/** Whether the backup is another tenant's: a clone being seeded. */
	public boolean seed() {
		return !sourceTenant.equals(tenant.id());
	}

	RestoreJob withSchemaDump(byte[] dump) {
		return new RestoreJob(tenant, backupId, sourceTenant, manifest, dump, namespace, restoreId);
	}

	RestoreJob recorded(long id) {
		return new RestoreJob(tenant, backupId, sourceTenant, manifest, schemaDump, namespace, id);
	}

	@Override
	public String toString() {
		return "RestoreJob[" + restoreId + ": " + backupId + " into " + tenant.id() + "]";
	}

}
