package io.tenantforge.intake;

/**
 * An order for a tenant, whatever channel it came by:
 * {@code {"name","subdomain","tier","orderId"}}, and on the REST channel optionally
 * {@code "from":{"tenant","backup"}} (a clone, seeded from that backup).
 *
 * @param orderId optional; the same order id delivered twice is one order
 * @param from optional; the backup a clone is seeded from
 */
public record TenantOrder(String name, String subdomain, String tier, String orderId, CloneSource from) {

	public TenantOrder(String name, String subdomain, String tier, String orderId) {
		this(name, subdomain, tier, orderId, null);
	}

	/** The tenant a clone's backup is of; null for an order that is no clone. */
	public String fromTenant() {
		return from == null ? null : from.tenant();
	}

	/** The backup a clone is seeded from; null for an order that is no clone. */
	public String fromBackup() {
		return from == null ? null : from.backup();
	}

	/** A backup of another tenant that a new tenant is seeded from. */
	public record CloneSource(String tenant, String backup) {
	}

	/** Whether two orders ask for the same tenant (the order id aside). */
	public boolean sameSpecAs(String otherName, String otherSubdomain, String otherTier) {
		return name.equals(otherName) && subdomain.equals(otherSubdomain) && tier.equals(otherTier);
	}

}
