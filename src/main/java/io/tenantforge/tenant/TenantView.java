package io.tenantforge.tenant;

import java.time.Instant;
import java.util.List;

/** A tenant as the API shows it (API contract of DESIGN.md). */
public record TenantView(String id, String name, String subdomain, String tier, TenantStatus status,
		List<Condition> conditions, String endpoint, Instant createdAt, Instant updatedAt) {

	public static TenantView of(Tenant tenant) {
		return new TenantView(tenant.id(), tenant.name(), tenant.id(), tenant.tier(), tenant.status(),
				tenant.conditions(), tenant.endpoint().orElse(null), tenant.createdAt(), tenant.updatedAt());
	}

}
