package io.tenantforge.routing;

import java.util.List;

/**
 * The router's part of a health sweep: one admin-API read of every route, repairs, orphan routes. The fleet report
 * carries it as {@code routes}.
 *
 * @param reachable whether the router's admin API answered
 * @param note what was seen (or why nothing could be)
 * @param observed routes the router has in tenantforge's server
 * @param repaired tenants whose route was missing or drifted and was set again, with why
 * @param orphans routes of no live tenant (kind {@code router-route})
 * @param adminCalls admin-API calls made while this part ran: one read, plus one per repair or removal (the gateway
 * counts every call, so a reconcile's calls at the same time are included)
 */
public record RouteReport(boolean reachable, String note, int observed, List<String> repaired,
		List<OrphanRoute> orphans, int adminCalls) {

	/** An orphan route, reported like the other orphans of the sweep (same fields). */
	public record OrphanRoute(String kind, String name, String claimedBy, String owner, String action) {
	}

}
