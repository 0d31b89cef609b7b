package io.tenantforge.provisioning;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.routing.TenantRouter;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStore;

import org.springframework.stereotype.Component;

/**
 * Takes back what a first provisioning that failed for good had given the tenant (route,
 * container, ACL user, schema and role, secrets, port), as far as the ownership record
 * allows each part's delete.
 */
@Component
class Rollback {

	private static final Logger log = LoggerFactory.getLogger(Rollback.class);

	private final TenantRouter router;

	private final TenantRuntime containers;

	private final TenantCacheProvisioner cache;

	private final TenantDatabaseProvisioner database;

	private final TenantSecrets secrets;

	private final TenantStore store;

	private final io.tenantforge.tenant.TenantVersions versions;

	Rollback(TenantRouter router, TenantRuntime containers, TenantCacheProvisioner cache,
			TenantDatabaseProvisioner database, TenantSecrets secrets, TenantStore store,
			io.tenantforge.tenant.TenantVersions versions) {
		this.versions = versions;
		this.router = router;
		this.containers = containers;
		this.cache = cache;
		this.database = database;
		this.secrets = secrets;
		this.store = store;
	}

	/**
	 * Removes the tenant's parts; returns its conditions with every other step's
	 * RolledBack, or, when a removal failed, the failed step's message saying the
	 * rollback is incomplete.
	 */
	List<Condition> rollBack(Tenant tenant, String failedStep, List<Condition> conditions) {
		List<Condition> result = new ArrayList<>();
		try {
			router.delete(tenant);
			containers.remove(tenant);
			cache.remove(tenant);
			database.remove(tenant);
			secrets.forget(tenant.id());
			store.releasePort(tenant.id());
			versions.forget(tenant.id()); // ordered again, it starts clean at the fleet's
											// version of then
			for (Condition condition : conditions) {
				result.add(condition.type().equals(failedStep) ? condition : Condition.isFalse(condition.type(),
						"RolledBack", "removed after " + failedStep + " failed for good"));
			}
			log.info("Rolled back what tenant {} had been given", tenant.id());
			return result;
		}
		catch (RuntimeException e) {
			log.error("Rollback of tenant {} incomplete: {}", tenant.id(), e.getMessage());
			for (Condition condition : conditions) {
				result.add(condition.type().equals(failedStep) ? new Condition(condition.type(), condition.status(),
						condition.reason(), condition.message() + " (rollback incomplete: " + e.getMessage() + ")",
						condition.lastTransitionTime()) : condition);
			}
			return result;
		}
	}

}
