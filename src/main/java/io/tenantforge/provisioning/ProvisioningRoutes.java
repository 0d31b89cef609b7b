package io.tenantforge.provisioning;

import io.tenantforge.support.Headers;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The reconcile flow: claim a tenant, then database, cache, container and health, one {@code direct:} step each,
 * then record the outcome. Transient faults are retried per step by the {@code provisioning-retry} route
 * configuration; what is left after that fails the tenant here.
 */
@Component
class ProvisioningRoutes extends RouteBuilder {

	static final String RECONCILE = "seda:reconcile";

	@Override
	public void configure() {
		from(RECONCILE + "?concurrentConsumers={{tenantforge.provisioning.concurrency}}&size=10000")
			.routeId("provisioning-reconcile")
			.bean(Reconciler.class, "claim")
			.filter(body().isNotNull())
				.doTry()
					.to("direct:provisioning-database")
					.to("direct:provisioning-cache")
					.to("direct:provisioning-container")
					.to("direct:provisioning-health")
					.bean(Reconciler.class, "succeeded")
				.doCatch(Exception.class)
					.bean(Reconciler.class, "failed")
				.doFinally()
					.bean(Reconciler.class, "release")
				.end()
			.end();

		step("database");
		step("cache");
		step("container");
		step("health");

		from("timer:provisioning-resync?period={{tenantforge.provisioning.resync-interval}}&delay=1000")
			.routeId("provisioning-resync")
			.bean(Reconciler.class, "due")
			.split(body())
				.setHeader(Headers.TENANT_ID, body())
				.to(RECONCILE)
			.end();
	}

	private void step(String name) {
		from("direct:provisioning-" + name).routeId("provisioning-" + name)
			.routeConfigurationId("provisioning-retry")
			.bean(Reconciler.class, name);
	}

}
