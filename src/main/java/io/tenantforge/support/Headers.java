package io.tenantforge.support;

/**
 * Names of the few message headers tenantforge uses: correlation only, never business
 * data.
 */
public final class Headers {

	/** The tenant id (slug) an exchange is about. */
	public static final String TENANT_ID = "TenantforgeTenantId";

	/** The order id, when the order carried one. */
	public static final String ORDER_ID = "TenantforgeOrderId";

	/** The channel an order came in by: rest, queue or file. */
	public static final String CHANNEL = "TenantforgeChannel";

	private Headers() {
	}

	/** What started a backup ({@code scheduled} or {@code api}): the backup routes. */
	public static final String BACKUP_TRIGGER = "TenantforgeBackupTrigger";

	/** The restore job a restore route works on. */
	public static final String RESTORE_JOB = "TenantforgeRestoreJob";

	/**
	 * The Location an API answer (201/202) points at: set by a route, written by
	 * ApiResponses.
	 */
	public static final String LOCATION = "TenantforgeLocation";

}
