package io.tenantforge.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;

/**
 * What the sweep finds wrong with the router, from the tenants and one read of all routes
 * (no I/O): routes to set (missing, or not as {@link RouteSpec} wants them: another
 * upstream, other hostnames, a proxy where the suspended page belongs), routes to remove
 * (a settled tenant that should have none), and orphans (routes of no live tenant, or not
 * tenantforge's at all). Tenants the reconciler is working on are left to it.
 *
 * @param repairs routes to set or remove, one admin-API call each
 * @param orphans routes of no live tenant
 */
record RouteDrift(List<Repair> repairs, List<OrphanRoute> orphans) {

	/**
	 * @param spec the route the tenant should have; empty: remove its route
	 */
	record Repair(String tenantId, Optional<RouteSpec> spec, String reason) {
	}

	/**
	 * @param id the route's {@code @id}, or null for a route without one
	 * @param claimedBy the tenant its {@code @id} names, if any (not proof of ownership)
	 * @param hosts the hostnames it matches
	 */
	record OrphanRoute(String id, String claimedBy, List<String> hosts) {

		/** How the report names it: its {@code @id}, or its hostnames. */
		String name() {
			return id != null ? id : "hosts " + String.join(",", hosts);
		}

	}

	static RouteDrift of(List<Tenant> tenants, Map<String, List<String>> domains, List<JsonNode> observed,
			PublicUrls urls, Function<RouteSpec, JsonNode> caddyJson) {
		Map<String, JsonNode> byId = new HashMap<>();
		List<OrphanRoute> orphans = new ArrayList<>();
		Map<String, Tenant> tenantsById = new HashMap<>();
		tenants.forEach(t -> tenantsById.put(t.id(), t));
		for (JsonNode route : observed) {
			String id = route.hasNonNull("@id") ? route.get("@id").asText() : null;
			if (CaddyGateway.UNKNOWN_HOST_ROUTE.equals(id)) {
				continue; // the router's own last route, no tenant's
			}
			Optional<String> tenantId = RouteSpec.tenantOf(id);
			Tenant tenant = tenantId.map(tenantsById::get).orElse(null);
			if (tenant == null || gone(tenant)) {
				orphans.add(new OrphanRoute(id, tenantId.orElse(null), hosts(route)));
			}
			else {
				byId.put(id, route);
			}
		}
		List<Repair> repairs = new ArrayList<>();
		for (Tenant tenant : tenants) {
			if (gone(tenant) || !RouteSpec.settled(tenant)) {
				continue;
			}
			Optional<RouteSpec> desired = RouteSpec.desired(tenant, domains.getOrDefault(tenant.id(), List.of()), urls);
			JsonNode seen = byId.get(RouteSpec.routeId(tenant.id()));
			if (desired.isEmpty()) {
				if (seen != null) {
					repairs.add(new Repair(tenant.id(), desired, "route of a tenant that should have none"));
				}
			}
			else if (seen == null) {
				repairs.add(new Repair(tenant.id(), desired, "route missing"));
			}
			else if (!caddyJson.apply(desired.get()).equals(seen)) {
				repairs.add(new Repair(tenant.id(), desired, "route drifted from its spec"));
			}
		}
		return new RouteDrift(List.copyOf(repairs), List.copyOf(orphans));
	}

	private static boolean gone(Tenant tenant) {
		return tenant.desiredState() == DesiredState.DELETED && tenant.status() == TenantStatus.DELETED;
	}

	private static List<String> hosts(JsonNode route) {
		List<String> hosts = new ArrayList<>();
		route.path("match").forEach(match -> match.path("host").forEach(host -> hosts.add(host.asText())));
		return hosts;
	}

}
