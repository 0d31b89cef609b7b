package io.tenantforge.health;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.tenantforge.tenant.ResourceKind;

/**
 * What one health sweep saw and did: the body of {@code GET /api/v1/fleet/health}.
 *
 * @param tenants how many tenants are in each {@link FleetAssessment.State}
 * @param degraded the degraded tenants, why, and what the sweep did about it
 * @param orphans resources that look like tenantforge's and belong to no live tenant
 * @param handedToReconciler ids of the tenants handed to the reconciler for repair
 * @param calls what the observation cost: calls per part as the gateways counted them
 * while this sweep observed (not the calls of reconciles running meanwhile), the same for
 * any fleet size but for the health probes (one per checked tenant) and the limits audit
 * (a fixed number per sweep)
 */
public record FleetReport(Instant sweptAt, Instant finishedAt, long durationMillis, String instance, String trigger,
		Map<String, Integer> tenants, List<DegradedTenant> degraded, List<OrphanReport> orphans,
		List<String> handedToReconciler, Repairs repairs, Calls calls, RouteReport routes) {

	/**
	 * A report without the router's part (routing off, or before the route sweep adds
	 * it).
	 */
	public FleetReport(Instant sweptAt, Instant finishedAt, long durationMillis, String instance, String trigger,
			Map<String, Integer> tenants, List<DegradedTenant> degraded, List<OrphanReport> orphans,
			List<String> handedToReconciler, Repairs repairs, Calls calls) {
		this(sweptAt, finishedAt, durationMillis, instance, trigger, tenants, degraded, orphans, handedToReconciler,
				repairs, calls, null);
	}

	/** This report with the router's part. */
	public FleetReport withRoutes(RouteReport routeReport) {
		return new FleetReport(sweptAt, finishedAt, durationMillis, instance, trigger, tenants, degraded, orphans,
				handedToReconciler, repairs, calls, routeReport);
	}

	/**
	 * The router's part of a sweep (routing feature): one admin-API read of every route,
	 * repairs, orphan routes.
	 *
	 * @param reachable whether the router's admin API answered
	 * @param note what was seen (or why nothing could be)
	 * @param observed routes the router has in tenantforge's server
	 * @param repaired tenants whose route was missing or drifted and was set again, with
	 * why
	 * @param orphans routes of no live tenant (kind {@code router-route})
	 * @param adminCalls admin-API calls this part made: one read, plus one per repair or
	 * removal
	 */
	public record RouteReport(boolean reachable, String note, int observed, List<String> repaired,
			List<OrphanReport> orphans, int adminCalls) {
	}

	/**
	 * @param action what the sweep did: handed to the reconciler, restarted, or why it
	 * did nothing
	 */
	public record DegradedTenant(String tenantId, List<String> reasons, String action) {
	}

	/**
	 * @param owner the tenant the ownership record gives it to, or null: then it is never
	 * removed
	 */
	public record OrphanReport(ResourceKind kind, String name, String claimedBy, String owner, String action) {
	}

	public record Repairs(int reconciles, int restarts, int orphansRemoved) {
	}

	/**
	 * Calls of the observation, measured ({@code io.tenantforge.support.CallScope}).
	 *
	 * @param engine Docker engine requests: one container list plus the limits audit (one
	 * inspect per audited container); Swarm: service, task, node, secret and network
	 * lists
	 * @param tenantsDatabase statements on the tenants database: one catalog query
	 * @param controlPlaneDatabase statements on the control plane's own database:
	 * tenants, secrets, restarts; the ownership record when there are orphans, the
	 * upgrades in flight when a rollout's candidate is seen, the placements on Swarm
	 * @param redis Redis commands: ACL reference set, ACL LIST, reference removed
	 * @param healthProbes {@code /health} requests to tenants, in parallel
	 * @param limitsAudited containers whose limits were inspected (included in
	 * {@code engine})
	 */
	public record Calls(int engine, int tenantsDatabase, int controlPlaneDatabase, int redis, int healthProbes,
			int limitsAudited) {
	}

}
