package io.tenantforge.tenant;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * A tenant as the API shows it (API contract of DESIGN.md).
 *
 * @param url where customers reach it through the router
 * ({@code https://<subdomain>.<base domain>[:port]}); null when routing is off or the
 * tenant is deleted
 * @param domains its custom domains, served by the router like its own hostname
 * @param node the node its container runs on (Swarm driver), as the newest health sweep
 * saw it; null when not known
 */
public record TenantView(String id, String name, String subdomain, String tier, TenantStatus status,
		@JsonSerialize(using = ConditionsJson.class) List<Condition> conditions, String endpoint, String url,
		List<String> domains, Instant createdAt, Instant updatedAt, String node) {

	public static TenantView of(Tenant tenant, String url, List<String> domains, String node) {
		return new TenantView(tenant.id(), tenant.name(), tenant.id(), tenant.tier(), tenant.status(),
				tenant.conditions(), tenant.endpoint().orElse(null), url, List.copyOf(domains), tenant.createdAt(),
				tenant.updatedAt(), node);
	}

}
