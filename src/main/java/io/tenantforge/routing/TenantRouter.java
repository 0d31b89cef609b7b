package io.tenantforge.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.RetryableException;
import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantDomains;

import org.springframework.stereotype.Component;

/**
 * A tenant's route in the router, as the reconciler and the sweep use it: {@link #apply}
 * sets the route its {@link RouteSpec} asks for (one call), {@link #delete} removes it,
 * {@link #observe} reads every route at once, and {@link #drift} says what differs. The
 * route is recorded in the ownership record before it is created, so the sweep removes an
 * orphan route only when that record gives it to a tenant that is gone.
 */
@Component
public class TenantRouter {

	private static final Logger log = LoggerFactory.getLogger(TenantRouter.class);

	/** How long one try of the route step waits for the router's certificate. */
	static final java.time.Duration CERTIFICATE_WAIT = java.time.Duration.ofSeconds(20);

	private final RoutingProperties settings;

	private final CaddyGateway gateway;

	private final TenantDomains domains;

	private final ResourceLedger ledger;

	private final PublicUrls urls;

	private final ObjectMapper json;

	TenantRouter(RoutingProperties settings, CaddyGateway gateway, TenantDomains domains, ResourceLedger ledger,
			PublicUrls urls, ObjectMapper json) {
		this.settings = settings;
		this.gateway = gateway;
		this.domains = domains;
		this.ledger = ledger;
		this.urls = urls;
		this.json = json;
	}

	public boolean enabled() {
		return settings.enabled();
	}

	/**
	 * Sets the tenant's route as its desired state asks: to its container, or the
	 * suspended page; removes it when the tenant should have none. A no-op with routing
	 * off.
	 */
	public void apply(Tenant tenant) {
		if (!settings.enabled()) {
			return;
		}
		Optional<RouteSpec> spec = RouteSpec.desired(tenant, domains.of(tenant.id()), urls);
		if (spec.isEmpty()) {
			gateway.delete(RouteSpec.routeId(tenant.id()));
			return;
		}
		set(spec.get());
		// a tenant is ACTIVE only once it is served: the router issues the certificate
		// of a new hostname in the background, and refuses the handshake until then
		// (its own subdomain only: a custom domain under ACME waits for its DNS)
		String hostname = urls.hostname(tenant.id());
		if (!gateway.awaitCertificate(hostname, CERTIFICATE_WAIT)) {
			throw new RetryableException("the router has no certificate for " + hostname + " yet");
		}
	}

	/** Sets one route (the sweep's repair, the reconciler's step). */
	void set(RouteSpec spec) {
		ledger.claim(spec.tenantId(), ResourceKind.ROUTER_ROUTE, spec.id());
		try {
			gateway.put(spec.id(), spec.toCaddy(settings));
		}
		catch (RouterException serverMissing) {
			// a router restarted with nothing but its bootstrap config: give it the
			// server, then the route
			if (!serverMissing.getMessage().contains("traversal")) {
				throw serverMissing;
			}
			gateway.ensureServer();
			gateway.put(spec.id(), spec.toCaddy(settings));
		}
		log.info("Route {} -> {} for {}", spec.id(), spec.suspended() ? "suspended page" : spec.upstream(),
				spec.hosts());
	}

	/**
	 * Removes the tenant's route (and, with a router this control plane runs, its
	 * hostnames' certificates from the router's storage: Caddy's admin API cannot delete
	 * certificates), frees its domains and forgets the route in the ownership record. A
	 * no-op with routing off; safe to repeat.
	 */
	public void delete(Tenant tenant) {
		if (!settings.enabled()) {
			return;
		}
		String id = RouteSpec.routeId(tenant.id());
		List<String> hosts = Stream.concat(Stream.of(urls.hostname(tenant.id())), domains.of(tenant.id()).stream())
			.toList();
		boolean removed = gateway.delete(id);
		removeCertificates(hosts);
		// the edge still holds them in memory: its next handshake for these hostnames
		// asks the control plane again, which says no
		gateway.forgetEdgeCertificates();
		domains.release(tenant.id());
		ledger.release(tenant.id(), ResourceKind.ROUTER_ROUTE, id);
		log.info("Route {} {}; hostnames {} released", id, removed ? "removed" : "was gone already", hosts);
	}

	/** Removes a route by its id (an orphan the sweep may remove). */
	void deleteRoute(String id) {
		gateway.delete(id);
	}

	/**
	 * Every route of tenantforge's server, with one read; empty when the router has no
	 * such server (restarted).
	 */
	Optional<List<JsonNode>> observe() {
		return gateway.routes();
	}

	RouteDrift drift(List<Tenant> tenants, Map<String, List<String>> allDomains, List<JsonNode> observed) {
		return RouteDrift.of(tenants, allDomains, observed, urls, spec -> json.valueToTree(spec.toCaddy(settings)));
	}

	private void removeCertificates(List<String> hosts) {
		if (!settings.process().managed()) {
			return;
		}
		Path certificates = settings.process().dataDir().toAbsolutePath().resolve("storage/certificates");
		if (!Files.isDirectory(certificates)) {
			return;
		}
		try (Stream<Path> issuers = Files.list(certificates)) {
			for (Path issuer : issuers.toList()) {
				for (String host : hosts) {
					Path folder = issuer.resolve(host);
					if (Files.isDirectory(folder) && folder.getParent().equals(issuer)) {
						try (Stream<Path> files = Files.walk(folder)) {
							for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
								Files.delete(file);
							}
						}
					}
				}
			}
		}
		catch (IOException e) {
			log.warn("Certificates of {} not removed from the router's storage: {}", hosts, e.getMessage());
		}
	}

}
