package io.tenantforge.provisioning;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.runtime.TenantContainerProvisioner;
import io.tenantforge.support.Headers;
import io.tenantforge.tenant.ResourceKind;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.docker.DockerConstants;
import org.apache.camel.component.redis.RedisConstants;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * The reconcile flow: lock a tenant with work due, then walk the steps towards its
 * desired state, one {@code direct:} route each: database, cache, container, health for
 * ACTIVE; suspend for SUSPENDED; archive and removal for DELETED. Transient faults are
 * retried within a step by the {@code provisioning-retry} route configuration; a failure
 * left after that is handled by {@link Reconciler#failed} (backoff, deadline, rollback).
 */
@Component
class ProvisioningRoutes extends RouteBuilder {

	static final String RECONCILE = "{{tenantforge.provisioning.reconcile-endpoint}}";

	/**
	 * The ownership record's entry of the tenant's container, released once it is gone
	 * (as {@code ResourceLedger#release} does; the body, the tenant, is kept).
	 */
	static final String RELEASE_CONTAINER = "sql:DELETE FROM tenant_resources WHERE kind = '"
			+ ResourceKind.CONTAINER.id() + "' AND name = :#${body.names.containerName} AND tenant_id = :#${body.id}"
			+ "?dataSource=#dataSource&noop=true";

	/** The tenant a step works on, kept while an endpoint's reply is the body. */
	private static final String STEP_TENANT = "stepTenant";

	@Override
	public void configure() {
		from(RECONCILE + "?concurrentConsumers={{tenantforge.provisioning.concurrency}}&size=10000")
			.routeId("provisioning-reconcile")
			.bean(Reconciler.class, "claim")
			.filter(body().isNotNull())
			.doTry()
			.choice()
			.when(simple("${body.desiredState.name()} == 'ACTIVE'"))
			.to("direct:provisioning-database")
			.to("direct:provisioning-cache")
			.to("direct:provisioning-container")
			.to("direct:provisioning-health")
			.to("direct:provisioning-route")
			.when(simple("${body.desiredState.name()} == 'SUSPENDED'"))
			// the suspended page first: the hostnames answer 503, not 502, while the
			// container stops
			.to("direct:provisioning-route")
			.to("direct:provisioning-suspend")
			.otherwise()
			.to("direct:deprovisioning-route")
			.to("direct:deprovisioning-archive")
			.to("direct:deprovisioning-container")
			.to("direct:deprovisioning-cache")
			.to("direct:deprovisioning-database")
			.end()
			.bean(Reconciler.class, "succeeded")
			.endDoTry()
			.doCatch(Exception.class)
			.bean(Reconciler.class, "failed")
			.doFinally()
			.bean(Reconciler.class, "release")
			// a newer generation asked for meanwhile runs its own steps next
			.filter(exchangeProperty(Reconciler.AGAIN).isEqualTo(true))
			.to(RECONCILE)
			.end()
			.end()
			.end();

		step("provisioning-database", "database");
		// the ACL user through a bean (Camel's spring-redis sends no ACL command), the
		// namespace's metadata key, a data command, through spring-redis
		stepRoute("provisioning-cache").bean(Reconciler.class, "cacheUser")
			.setProperty(STEP_TENANT, body())
			.setHeader(RedisConstants.KEY, method(TenantCacheProvisioner.class, "metadataKey"))
			.setHeader(RedisConstants.VALUE, method(TenantCacheProvisioner.class, "metadataValue"))
			.to("spring-redis:{{spring.data.redis.host}}:{{spring.data.redis.port}}?command=SET"
					+ "&redisTemplate=#stringRedisTemplate")
			.setBody(exchangeProperty(STEP_TENANT))
			.bean(Reconciler.class, "cacheReady");
		// the container made as the tier says through a bean (camel-docker's
		// containercreate sets neither labels nor a health check), started through
		// docker: on the docker driver's engine; a swarm service through the runtime's
		// bean
		stepRoute("provisioning-container").choice()
			.when(method(Reconciler.class, "dockerEndpoints"))
			.bean(Reconciler.class, "prepareContainer")
			.filter(header(DockerConstants.DOCKER_CONTAINER_ID).isNotNull())
			.to("docker:containerstart")
			.id("provisioning-container-start")
			.log("Started container ${header." + DockerConstants.DOCKER_CONTAINER_ID + "} on 127.0.0.1:${body.port}")
			.end()
			.bean(Reconciler.class, "containerReady")
			.endChoice()
			.otherwise()
			.bean(Reconciler.class, "container")
			.end();
		step("provisioning-health", "health");
		// the container stopped through docker: on the docker driver's engine (a swarm
		// service has no camel-docker operation: the runtime's bean scales it to 0), then
		// the ACL user and the role through beans
		stepRoute("provisioning-suspend").setProperty(STEP_TENANT, body())
			.choice()
			.when(method(Reconciler.class, "dockerEndpoints"))
			.setHeader(DockerConstants.DOCKER_CONTAINER_ID, method(Reconciler.class, "containerToStop"))
			.filter(header(DockerConstants.DOCKER_CONTAINER_ID).isNotNull())
			.to("docker:containerstop?timeout=" + TenantContainerProvisioner.STOP_TIMEOUT_SECONDS)
			.id("provisioning-suspend-container-stop")
			.log("Stopped container ${header." + DockerConstants.DOCKER_CONTAINER_ID + "}")
			.end()
			.endChoice()
			.otherwise()
			.bean(Reconciler.class, "stopContainer")
			.end()
			.setBody(exchangeProperty(STEP_TENANT))
			.bean(Reconciler.class, "suspend");
		// the router (issue 19): the tenant's route set through Caddy's admin API
		// (routing.TenantRouter)
		step("provisioning-route", "route");
		step("deprovisioning-route", "removeRoute");
		step("deprovisioning-archive", "archive");
		// the container removed through docker: on the docker driver's engine (a removed
		// container is no error), its ownership entry released through sql:, then its
		// network and secret files through beans; a swarm service through the runtime's
		// bean
		stepRoute("deprovisioning-container").setProperty(STEP_TENANT, body())
			.choice()
			.when(method(Reconciler.class, "dockerEndpoints"))
			.setHeader(DockerConstants.DOCKER_CONTAINER_ID, method(Reconciler.class, "containerToRemove"))
			.filter(header(DockerConstants.DOCKER_CONTAINER_ID).isNotNull())
			.to("docker:containerremove?force=true")
			.id("deprovisioning-container-remove")
			.log("Removed container ${header." + DockerConstants.DOCKER_CONTAINER_ID + "}")
			.end()
			.setBody(exchangeProperty(STEP_TENANT))
			.bean(Reconciler.class, "requireContainerGone")
			// the ownership record lets the name go: a control-plane statement
			.to(RELEASE_CONTAINER)
			.id("deprovisioning-container-release")
			.bean(Reconciler.class, "removeContainerRest")
			.endChoice()
			.otherwise()
			.bean(Reconciler.class, "removeContainer")
			.end();
		step("deprovisioning-cache", "removeCache");
		step("deprovisioning-database", "removeDatabase");

		from("timer:provisioning-resync?period={{tenantforge.provisioning.resync-interval}}&delay=1000")
			.routeId("provisioning-resync")
			.bean(Reconciler.class, "due")
			.split(body())
			.setHeader(Headers.TENANT_ID, body())
			.to(RECONCILE)
			.end();
	}

	private void step(String routeId, String method) {
		stepRoute(routeId).bean(Reconciler.class, method);
	}

	/** A step's route, before what it calls. */
	private RouteDefinition stepRoute(String routeId) {
		RouteDefinition route = from("direct:" + routeId).routeId(routeId).routeConfigurationId("provisioning-retry");
		// a newer generation stops this one between steps: an outcome
		// (Reconciler#failed abandons), not an error
		route.onException(Reconciler.GenerationSuperseded.class)
			.maximumRedeliveries(0)
			.logExhausted(false)
			.logStackTrace(false)
			.end();
		return route;
	}

}
