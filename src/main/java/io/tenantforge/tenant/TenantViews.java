package io.tenantforge.tenant;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Tenants as the API shows them, with their public URL, custom domains and the node they
 * run on.
 */
@Component
public class TenantViews {

	private final TenantDomains domains;

	private final PublicUrls urls;

	private final TenantStore store;

	public TenantViews(TenantDomains domains, PublicUrls urls, TenantStore store) {
		this.domains = domains;
		this.urls = urls;
		this.store = store;
	}

	public TenantView of(Tenant tenant) {
		return TenantView.of(tenant, url(tenant), domains.of(tenant.id()), store.placementOf(tenant.id()).orElse(null));
	}

	/** Views of many tenants with one query for their domains and one for their nodes. */
	public List<TenantView> of(List<Tenant> tenants) {
		Map<String, List<String>> all = domains.all();
		Map<String, String> nodes = store.placements();
		return tenants.stream()
			.map(t -> TenantView.of(t, url(t), all.getOrDefault(t.id(), List.of()), nodes.get(t.id())))
			.toList();
	}

	private String url(Tenant tenant) {
		return tenant.status() == TenantStatus.DELETED ? null : urls.url(tenant.id()).orElse(null);
	}

}
