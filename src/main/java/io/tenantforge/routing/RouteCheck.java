package io.tenantforge.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.support.TransientFaults;
import io.tenantforge.tenant.OrphanAction;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantDomains;
import io.tenantforge.tenant.TenantStore;

import org.springframework.stereotype.Component;

/**
 * The router's part of the health sweep (the sweep, {@code health.RouteSweep}, puts the
 * result into its report): one admin-API read of every route, then each missing or
 * drifted route of a settled tenant set again (one call each, under the tenant's lock; a
 * tenant the reconciler holds is left to it), and every route of no live tenant reported
 * as an orphan, removed only under the rules of the other orphans
 * ({@code tenantforge.sweep.remove-orphans} on, and the ownership record giving the route
 * to a tenant that is gone). A router that restarted empty gets its server and every
 * route back in this one sweep, and its access log (per-tenant metrics) too.
 */
@Component
public class RouteCheck {

	private static final Logger log = LoggerFactory.getLogger(RouteCheck.class);

	private final RoutingProperties settings;

	private final TenantRouter router;

	private final CaddyGateway gateway;

	private final TenantStore store;

	private final TenantDomains domains;

	private final TenantLocks locks;

	private final ResourceLedger ledger;

	private final AccessLogListener accessLog;

	private final CertificateAsk ask;

	private final CaddyProcess process;

	/** What one check found and did. */
	public record Result(boolean reachable, String note, int observed, List<String> repaired, List<Orphan> orphans,
			int adminCalls) {
	}

	/** A route of no live tenant, and what the check did about it. */
	public record Orphan(ResourceKind kind, String name, String claimedBy, String owner, String action) {
	}

	RouteCheck(RoutingProperties settings, TenantRouter router, CaddyGateway gateway, TenantStore store,
			TenantDomains domains, TenantLocks locks, ResourceLedger ledger, AccessLogListener accessLog,
			CertificateAsk ask, CaddyProcess process) {
		this.process = process;
		this.settings = settings;
		this.router = router;
		this.gateway = gateway;
		this.store = store;
		this.domains = domains;
		this.locks = locks;
		this.ledger = ledger;
		this.accessLog = accessLog;
		this.ask = ask;
	}

	/**
	 * True when tenants are routed at all: with routing off there is nothing to check.
	 */
	public boolean enabled() {
		return settings.enabled();
	}

	/**
	 * One check of every route; never throws: an unreachable router is a result (not
	 * reachable, with the reason).
	 * @param removeOrphans whether orphans the ownership record gives to a tenant that is
	 * gone may be removed
	 */
	public Result check(boolean removeOrphans) {
		long callsBefore = gateway.calls();
		try {
			return run(callsBefore, removeOrphans);
		}
		catch (RuntimeException e) {
			String why = TransientFaults.isTransient(e) ? "router unreachable: " : "router check failed: ";
			log.warn("Route sweep: {}{}", why, e.getMessage());
			return new Result(false, why + e.getMessage(), 0, List.of(), List.of(),
					(int) (gateway.calls() - callsBefore));
		}
	}

	private Result run(long callsBefore, boolean removeOrphans) {
		List<Tenant> tenants = store.findAll();
		Map<String, List<String>> allDomains = domains.all();
		// a router this control plane runs and that died is started again first (with its
		// bootstrap config only: the routes are set again below)
		boolean restarted = process.restartIfDied();
		Optional<List<JsonNode>> observed = router.observe();
		String note = restarted ? "router process had died: started again" : "observed";
		if (observed.isEmpty()) {
			// a router that restarted with nothing but its bootstrap config
			gateway.ensureServer();
			note = "router had no tenantforge server (restarted?): server created";
		}
		List<JsonNode> routes = observed.orElse(List.of());
		RouteDrift drift = router.drift(tenants, allDomains, routes);
		List<String> repaired = new ArrayList<>();
		for (RouteDrift.Repair repair : drift.repairs()) {
			Optional<TenantLock> lock = locks.tryLock(repair.tenantId());
			if (lock.isEmpty()) {
				continue; // the reconciler has the tenant and sets its route itself
			}
			try (TenantLock held = lock.get()) {
				if (repair.spec().isPresent()) {
					router.set(repair.spec().get());
				}
				else {
					router.deleteRoute(RouteSpec.routeId(repair.tenantId()));
				}
				repaired.add(repair.tenantId() + ": " + repair.reason());
				log.warn("Tenant {}: {}; repaired", repair.tenantId(), repair.reason());
			}
			catch (RuntimeException e) {
				repaired.add(repair.tenantId() + ": " + repair.reason() + "; repair failed: " + e.getMessage());
			}
		}
		Set<String> live = tenants.stream()
			.filter(t -> !(t.status() == io.tenantforge.tenant.TenantStatus.DELETED))
			.map(Tenant::id)
			.collect(Collectors.toSet());
		List<Orphan> orphans = new ArrayList<>();
		for (RouteDrift.OrphanRoute orphan : drift.orphans()) {
			String owner = orphan.id() == null ? null
					: ledger.owner(ResourceKind.ROUTER_ROUTE, orphan.id()).orElse(null);
			OrphanAction action;
			if (owner == null) {
				action = new OrphanAction.NotRecorded();
			}
			else if (live.contains(owner) || !RouteSpec.routeId(owner).equals(orphan.id())) {
				action = new OrphanAction.NotTheOwners(owner);
			}
			else if (!removeOrphans) {
				action = new OrphanAction.RemovalOff();
			}
			else {
				action = removeUnderLock(orphan, owner);
			}
			log.warn("Orphan route {} (hosts {}, ownership record: {}): {}", orphan.name(), orphan.hosts(), owner,
					action.describe());
			orphans.add(
					new Orphan(ResourceKind.ROUTER_ROUTE, orphan.name(), orphan.claimedBy(), owner, action.describe()));
		}
		checkEdge(repaired);
		if (observed.isPresent()
				&& routes.stream().noneMatch(r -> CaddyGateway.UNKNOWN_HOST_ROUTE.equals(r.path("@id").asText(null)))) {
			gateway.addUnknownHostRoute();
			repaired.add("router: route " + CaddyGateway.UNKNOWN_HOST_ROUTE + " missing");
		}
		checkAccessLog(repaired);
		return new Result(true, note, routes.size(), repaired, orphans, (int) (gateway.calls() - callsBefore));
	}

	/**
	 * The router's edge (its TLS listener, policy and on-demand ask), observed and
	 * repaired like a route (one read; an edge that restarted empty gets its config back
	 * here); and the certificate ask's port taken by this control plane if none holds it
	 * (the one that did has stopped).
	 */
	private void checkEdge(List<String> repaired) {
		ask.claim();
		repair("router edge", gateway.edgeDrift(), gateway::ensureEdge, "", repaired);
	}

	/**
	 * The router's access logging, observed and repaired like a route (two reads; a
	 * restarted router gets it back here). It can only be set while some control plane
	 * listens: this one first tries to, in case the one that did has stopped.
	 */
	private void checkAccessLog(List<String> repaired) {
		if (!settings.accessLogEnabled()) {
			return;
		}
		accessLog.claim();
		repair("router access log", gateway.accessLogDrift(), gateway::ensureAccessLog,
				accessLog.listening() ? "" : " (this control plane does not listen: " + accessLog.notListening() + ")",
				repaired);
	}

	/**
	 * Repairs what differs, if anything does, and says so in {@code repaired}.
	 * @param failureNote added to the reason when the repair fails
	 */
	private static void repair(String what, List<String> drift, Runnable fix, String failureNote,
			List<String> repaired) {
		if (drift.isEmpty()) {
			return;
		}
		String reason = what + ": " + String.join(", ", drift);
		try {
			fix.run();
			repaired.add(reason);
			log.warn("Route sweep: {}; repaired", reason);
		}
		catch (RuntimeException e) {
			String why = e.getMessage() + failureNote;
			repaired.add(reason + "; repair failed: " + why);
			log.warn("Route sweep: {}; repair failed: {}", reason, why);
		}
	}

	/**
	 * As for the other orphans: under the owner's lock, after checking again that it is
	 * still an orphan.
	 */
	private OrphanAction removeUnderLock(RouteDrift.OrphanRoute orphan, String owner) {
		Optional<TenantLock> lock = locks.tryLock(owner);
		if (lock.isEmpty()) {
			return new OrphanAction.OwnerBusy(owner);
		}
		try (TenantLock held = lock.get()) {
			boolean ownerLive = store.find(owner)
				.map(t -> t.status() != io.tenantforge.tenant.TenantStatus.DELETED)
				.orElse(false);
			if (ownerLive || !ledger.owns(owner, ResourceKind.ROUTER_ROUTE, orphan.id())) {
				return new OrphanAction.NoLongerOrphan(owner);
			}
			router.deleteRoute(orphan.id());
			ledger.release(owner, ResourceKind.ROUTER_ROUTE, orphan.id());
			return new OrphanAction.Removed();
		}
		catch (RuntimeException e) {
			return new OrphanAction.RemovalFailed(e.getMessage());
		}
	}

}
