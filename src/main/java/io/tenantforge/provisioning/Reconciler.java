package io.tenantforge.provisioning;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.health.TenantHealthProbe;
import io.tenantforge.runtime.TenantContainerProvisioner;
import io.tenantforge.support.Headers;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The steps of a reconcile, called in order by the {@code provisioning-*} routes. Each step makes one part of the
 * world match the tenant's desired state, records its condition, and hands the fresh tenant record on.
 */
@Component
public class Reconciler {

	/** The order of the steps; a failure is attributed to the first of these not yet True. */
	static final List<String> STEPS = List.of(Condition.DATABASE_READY, Condition.CACHE_READY,
			Condition.CONTAINER_READY, Condition.HEALTHY);

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/"
			+ UUID.randomUUID().toString().substring(0, 8);

	private final TenantStore store;

	private final TierCatalog tiers;

	private final ProvisioningProperties properties;

	private final TenantDatabaseProvisioner database;

	private final TenantCacheProvisioner cache;

	private final TenantContainerProvisioner containers;

	private final TenantHealthProbe health;

	public Reconciler(TenantStore store, TierCatalog tiers, ProvisioningProperties properties,
			TenantDatabaseProvisioner database, TenantCacheProvisioner cache, TenantContainerProvisioner containers,
			TenantHealthProbe health) {
		this.store = store;
		this.tiers = tiers;
		this.properties = properties;
		this.database = database;
		this.cache = cache;
		this.containers = containers;
		this.health = health;
	}

	/** Takes the tenant's lease if it needs work; null (and the route stops) when it does not or is held. */
	public Tenant claim(@Header(Headers.TENANT_ID) String tenantId) {
		Optional<Tenant> claimed = store.claim(tenantId, owner, properties.lease());
		if (claimed.isEmpty()) {
			return null;
		}
		Tenant tenant = claimed.get();
		store.updateStatus(tenant.id(), TenantStatus.PROVISIONING, tenant.conditions());
		log.info("Reconciling tenant {} generation {}", tenant.id(), tenant.generation());
		return reload(tenant);
	}

	public Tenant database(Tenant tenant) {
		database.ensure(tenant, tierOf(tenant));
		return record(tenant, Condition.isTrue(Condition.DATABASE_READY, "Provisioned",
				"role and schema " + tenant.names().databaseSchema() + " ready, migrations applied"));
	}

	public Tenant cache(Tenant tenant) {
		cache.ensure(tenant);
		return record(tenant, Condition.isTrue(Condition.CACHE_READY, "Provisioned",
				"ACL user " + tenant.names().redisUser() + " limited to " + tenant.names().redisPattern()));
	}

	public Tenant container(Tenant tenant) {
		int port = containers.ensure(tenant, tierOf(tenant));
		return record(tenant, Condition.isTrue(Condition.CONTAINER_READY, "Running",
				"container " + tenant.names().containerName() + " running on 127.0.0.1:" + port));
	}

	public Tenant health(Tenant tenant) {
		health.awaitHealthy(tenant.id(), tenant.port(), tierOf(tenant).healthStartPeriod());
		return record(tenant, Condition.isTrue(Condition.HEALTHY, "HealthCheckPassed",
				"/health answered 200 on " + tenant.endpoint().orElseThrow()));
	}

	/** All steps done: the desired generation is observed. */
	public void succeeded(Tenant tenant) {
		store.markObserved(tenant.id(), tenant.generation(), TenantStatus.ACTIVE, tenant.conditions());
		log.info("Tenant {} is ACTIVE at {}", tenant.id(), tenant.endpoint().orElse("?"));
	}

	/**
	 * A step failed after its retries: the tenant goes FAILED, with the reason in the failing step's condition.
	 */
	public void failed(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		String tenantId = exchange.getMessage().getHeader(Headers.TENANT_ID, String.class);
		Tenant tenant = store.find(tenantId).orElseThrow();
		String step = STEPS.stream()
			.filter(type -> tenant.condition(type).map(c -> !"True".equals(c.status())).orElse(true))
			.findFirst()
			.orElse(Condition.HEALTHY);
		String message = cause == null ? "unknown failure" : cause.getMessage();
		log.warn("Tenant {} FAILED in {}: {}", tenantId, step, message);
		store.markObserved(tenantId, tenant.generation(), TenantStatus.FAILED,
				tenant.withCondition(Condition.isFalse(step, "StepFailed", message)));
	}

	public void release(@Header(Headers.TENANT_ID) String tenantId) {
		store.release(tenantId, owner);
	}

	/** Ids of tenants whose desired state no reconciler has observed yet, for the resync timer. */
	public List<String> due() {
		return store.findDue(100);
	}

	private Tier tierOf(Tenant tenant) {
		return tiers.get(tenant.tier());
	}

	private Tenant record(Tenant tenant, Condition condition) {
		store.updateConditions(tenant.id(), tenant.withCondition(condition));
		return reload(tenant);
	}

	private Tenant reload(Tenant tenant) {
		return store.find(tenant.id()).orElseThrow();
	}

}
