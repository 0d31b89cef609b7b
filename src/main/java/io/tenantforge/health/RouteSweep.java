package io.tenantforge.health;

import io.tenantforge.health.FleetReport.OrphanReport;
import io.tenantforge.health.FleetReport.RouteReport;
import io.tenantforge.routing.RouteCheck;

import org.springframework.stereotype.Component;

/**
 * The router's part of the health sweep, after the rest of it ({@code health-sweep}
 * route): the routing feature's {@link RouteCheck} reads and repairs the routes, this
 * puts what it found into the fleet report.
 */
@Component
public class RouteSweep {

	private final RouteCheck check;

	private final SweepProperties properties;

	private final FleetReports reports;

	RouteSweep(RouteCheck check, SweepProperties properties, FleetReports reports) {
		this.check = check;
		this.properties = properties;
		this.reports = reports;
	}

	/**
	 * The fleet report with the router's part added; the report as it is when routing is
	 * off (or no report).
	 */
	public FleetReport sweep(FleetReport report) {
		if (report == null || !check.enabled()) {
			return report;
		}
		RouteCheck.Result result = check.check(properties.isRemoveOrphans());
		FleetReport withRoutes = report
			.withRoutes(new RouteReport(result.reachable(), result.note(), result.observed(), result.repaired(),
					result.orphans()
						.stream()
						.map(o -> new OrphanReport(o.kind(), o.name(), o.claimedBy(), o.owner(), o.action()))
						.toList(),
					result.adminCalls()));
		reports.saveRoutes(withRoutes);
		return withRoutes;
	}

}
