package io.tenantforge.provisioning;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Lifecycle requests of the API: suspend, resume, tier change, delete. Each only records
 * the new desired state as the next generation; the reconciler makes the world match. A
 * tier downgrade that the running tenant cannot fit into is refused here, with the
 * reason.
 */
@Component
public class TenantLifecycle {

	private static final Logger log = LoggerFactory.getLogger(TenantLifecycle.class);

	private final TenantStore store;

	private final TierCatalog tiers;

	private final TenantRuntime containers;

	private final TenantDatabaseProvisioner database;

	public TenantLifecycle(TenantStore store, TierCatalog tiers, TenantRuntime containers,
			TenantDatabaseProvisioner database) {
		this.store = store;
		this.tiers = tiers;
		this.containers = containers;
		this.database = database;
	}

	public Tenant suspend(@Header("id") String id) {
		Tenant tenant = live(id, "suspend");
		return change(tenant, DesiredState.SUSPENDED, null, tenant.status());
	}

	public Tenant resume(@Header("id") String id) {
		Tenant tenant = live(id, "resume");
		return change(tenant, DesiredState.ACTIVE, null, tenant.status());
	}

	public Tenant changeTier(@Header("id") String id, String tier) {
		Tenant tenant = live(id, "change the tier of");
		if (tier.equals(tenant.tier())) {
			return tenant;
		}
		requireFits(tenant, tiers.get(tier), tier);
		log.info("Tenant {}: tier {} -> {}", id, tenant.tier(), tier);
		return change(tenant, tenant.desiredState(), tier, tenant.status());
	}

	public Tenant delete(@Header("id") String id) {
		Tenant tenant = existing(id);
		if (tenant.desiredState() == DesiredState.DELETED && tenant.status() == TenantStatus.DELETED) {
			return tenant;
		}
		log.info("Tenant {}: deletion ordered", id);
		return change(tenant, DesiredState.DELETED, null, TenantStatus.DEPROVISIONING);
	}

	private Tenant change(Tenant tenant, DesiredState desired, String tier, TenantStatus status) {
		return store.changeDesired(tenant.id(), desired, tier, status)
			.orElseThrow(() -> new NotFoundException("no tenant '" + tenant.id() + "'"));
	}

	/**
	 * Refuses a downgrade the running tenant does not fit into: memory, processes,
	 * database connections.
	 */
	private void requireFits(Tenant tenant, Tier target, String tierName) {
		Optional<TenantRuntime.Usage> usage = containers.usage(tenant.names());
		if (usage.isPresent()) {
			long memory = usage.get().memoryBytes();
			if (memory > target.memory().toBytes()) {
				throw new ConflictException("tenant " + tenant.id() + " does not fit tier '" + tierName
						+ "': its container uses " + memory / (1024 * 1024) + " MiB, the tier allows "
						+ target.memory().toMegabytes() + " MiB");
			}
			if (usage.get().processes() > target.pidsLimit()) {
				throw new ConflictException(
						"tenant " + tenant.id() + " does not fit tier '" + tierName + "': its container runs "
								+ usage.get().processes() + " processes, the tier allows " + target.pidsLimit());
			}
		}
		int connections = database.openConnections(tenant.names());
		if (connections > target.postgresConnectionLimit()) {
			throw new ConflictException("tenant " + tenant.id() + " does not fit tier '" + tierName + "': it has "
					+ connections + " database connections open, the tier allows " + target.postgresConnectionLimit());
		}
	}

	private Tenant live(String id, String action) {
		Tenant tenant = existing(id);
		if (tenant.desiredState() == DesiredState.DELETED) {
			throw new ConflictException("cannot " + action + " tenant '" + id + "': it is " + tenant.status());
		}
		return tenant;
	}

	private Tenant existing(String id) {
		return store.find(id).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
	}

}
