package io.tenantforge.intake;

/**
 * An order for a tenant, whatever channel it came by: {@code {"name","subdomain","tier","orderId"}}.
 *
 * @param orderId optional; the same order id delivered twice is one order
 */
public record TenantOrder(String name, String subdomain, String tier, String orderId) {

	/** Whether two orders ask for the same tenant (the order id aside). */
	public boolean sameSpecAs(String otherName, String otherSubdomain, String otherTier) {
		return name.equals(otherName) && subdomain.equals(otherSubdomain) && tier.equals(otherTier);
	}

}
