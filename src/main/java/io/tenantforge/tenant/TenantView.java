package io.tenantforge.tenant;

import java.time.Instant;
import java.util.List;

/**
 * A tenant as the API shows it (API contract of DESIGN.md).
 *
 * @param node the node its container runs on (Swarm driver), as the newest health sweep saw it; null when not known
 */
public record TenantView(String id, String name, String subdomain, String tier, TenantStatus status,
		List<Condition> conditions, String endpoint, Instant createdAt, Instant updatedAt, String node) {

	public static TenantView of(Tenant tenant) {
		return of(tenant, null);
	}

	public static TenantView of(Tenant tenant, String node) {
		return new TenantView(tenant.id(), tenant.name(), tenant.id(), tenant.tier(), tenant.status(),
				tenant.conditions(), tenant.endpoint().orElse(null), tenant.createdAt(), tenant.updatedAt(), node);
	}

}
