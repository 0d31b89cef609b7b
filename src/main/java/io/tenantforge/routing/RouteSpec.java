package io.tenantforge.routing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;

/**
 * The route a tenant should have in the router, from the tenant, its domains and the
 * settings alone (no I/O): its hostnames (its own {@code <subdomain>.<base domain>}
 * first, then its custom domains) to its container while it is to be ACTIVE, or to a 503
 * "suspended" page while it is to be SUSPENDED; no route once it is to be DELETED. As a
 * Caddy route object, with an {@code @id} ({@value #ID_PREFIX}{@code <tenant id>}) that
 * makes it addressable as {@code /id/<id>} for one admin-API call per change.
 */
record RouteSpec(String id, String tenantId, List<String> hosts, String upstream) {

	static final String ID_PREFIX = "tenantforge-tenant-";

	/** The page a suspended tenant's hostnames answer with (status 503). */
	static final String SUSPENDED_PAGE = "<!doctype html><title>Suspended</title>"
			+ "<h1>This site is suspended</h1><p>Its owner's account is suspended. Please try again later.</p>\n";

	/**
	 * Suspended: the route answers 503 with {@link #SUSPENDED_PAGE}, whatever the
	 * container does.
	 */
	boolean suspended() {
		return upstream == null;
	}

	/**
	 * The tenant's desired route: to its container ({@code 127.0.0.1:<port>}) when it is
	 * to be ACTIVE and has a port, the suspended page when it is to be SUSPENDED, none
	 * otherwise.
	 */
	static Optional<RouteSpec> desired(Tenant tenant, List<String> domains, PublicUrls urls) {
		List<String> hosts = new ArrayList<>();
		hosts.add(urls.hostname(tenant.id()));
		domains.stream().sorted().filter(d -> !hosts.contains(d)).forEach(hosts::add);
		return switch (tenant.desiredState()) {
			case ACTIVE -> Optional.ofNullable(tenant.port())
				.map(port -> new RouteSpec(routeId(tenant.id()), tenant.id(), List.copyOf(hosts), "127.0.0.1:" + port));
			case SUSPENDED -> Optional.of(new RouteSpec(routeId(tenant.id()), tenant.id(), List.copyOf(hosts), null));
			case DELETED -> Optional.empty();
		};
	}

	/**
	 * Whether the sweep may judge the tenant's route: its desired state reconciled
	 * (ACTIVE or DEGRADED while it is to be ACTIVE, SUSPENDED while it is to be
	 * suspended). A tenant the reconciler is working on is left to it.
	 */
	static boolean settled(Tenant tenant) {
		if (tenant.generation() != tenant.observedGeneration()) {
			return false;
		}
		return tenant.desiredState() == DesiredState.ACTIVE
				? tenant.status() == TenantStatus.ACTIVE || tenant.status() == TenantStatus.DEGRADED
				: tenant.desiredState() == DesiredState.SUSPENDED && tenant.status() == TenantStatus.SUSPENDED;
	}

	static String routeId(String tenantId) {
		return ID_PREFIX + tenantId;
	}

	/** The tenant a route id names, if it is one of ours. */
	static Optional<String> tenantOf(String routeId) {
		return routeId != null && routeId.startsWith(ID_PREFIX) && routeId.length() > ID_PREFIX.length()
				? Optional.of(routeId.substring(ID_PREFIX.length())) : Optional.empty();
	}

	/** This route as Caddy's JSON route object. */
	Map<String, Object> toCaddy(RoutingProperties settings) {
		Map<String, Object> handler = new LinkedHashMap<>();
		if (suspended()) {
			handler.put("handler", "static_response");
			handler.put("status_code", 503);
			handler.put("headers", Map.of("Content-Type", List.of("text/html; charset=utf-8"), "Retry-After",
					List.of("3600"), "Cache-Control", List.of("no-store")));
			handler.put("body", SUSPENDED_PAGE);
		}
		else {
			handler.put("handler", "reverse_proxy");
			handler.put("upstreams", List.of(Map.of("dial", upstream)));
			// a container being replaced refuses connections for a moment: keep trying it
			// instead of answering 502
			handler.put("load_balancing",
					Map.of("try_duration", settings.upstreamTryDuration().toMillis() + "ms", "try_interval", "50ms"));
		}
		Map<String, Object> route = new LinkedHashMap<>();
		route.put("@id", id);
		route.put("match", List.of(Map.of("host", hosts)));
		route.put("handle", List.of(handler));
		route.put("terminal", true);
		return route;
	}

}
