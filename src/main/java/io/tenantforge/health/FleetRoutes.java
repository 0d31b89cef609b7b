package io.tenantforge.health;

import io.tenantforge.routing.RouteReport;
import io.tenantforge.routing.RouteSweep;

import org.springframework.stereotype.Component;

/**
 * The router's part of the health sweep, run after the fleet sweep in the {@code health-sweep} route: the route sweep
 * with the sweep's orphan rule, its report added to the fleet report (and to the saved one). A no-op when routing is
 * off or the sweep was skipped.
 */
@Component
public class FleetRoutes {

	private final RouteSweep routes;

	private final FleetReports reports;

	private final SweepProperties properties;

	public FleetRoutes(RouteSweep routes, FleetReports reports, SweepProperties properties) {
		this.routes = routes;
		this.reports = reports;
		this.properties = properties;
	}

	public FleetReport sweep(FleetReport report) {
		if (report == null) {
			return null;
		}
		RouteReport routeReport = routes.sweep(properties.isRemoveOrphans());
		if (routeReport == null) {
			return report;
		}
		FleetReport withRoutes = report.withRoutes(routeReport);
		reports.saveRoutes(withRoutes);
		return withRoutes;
	}

}
