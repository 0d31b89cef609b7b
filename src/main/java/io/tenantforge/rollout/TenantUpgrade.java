package io.tenantforge.rollout;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.health.TenantHealthProbe;
import io.tenantforge.rollout.Rollout.Entry;
import io.tenantforge.rollout.Rollout.Step;
import io.tenantforge.routing.TenantRouter;
import io.tenantforge.runtime.PortAllocator;
import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.Mdc;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.TenantVersions.Version;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.stereotype.Component;

/**
 * Upgrades one tenant of a rollout, under the tenant's lock (so neither the reconciler
 * nor the sweep acts on it meanwhile): migrations up to the target as the tenant role,
 * the new container beside the old one on a port of its own, its /health with the
 * tenant's identity proof, the tenant's port and the router's upstream switched to it,
 * the old one drained and removed, the new version recorded. Each step is written before
 * its effect and is safe to repeat, so a control plane started after a crash resumes the
 * tenant at its recorded step. A failure before the switch removes the new container (the
 * route never left the old one); a failure during the switch routes back. The tenant then
 * stays on its old container and version, held with the reason. Past the switch the new
 * container is serving, so retiring the old one is finished, never undone.
 */
@Component
class TenantUpgrade {

	/** What became of the tenant on this call. */
	enum Outcome {

		DONE, FAILED, SKIPPED,
		/** Its lock was taken or it was not settled: tried again on a later tick. */
		WAITING

	}

	private static final Logger log = LoggerFactory.getLogger(TenantUpgrade.class);

	private final RolloutStore rollouts;

	private final TenantStore tenants;

	private final TenantVersions versions;

	private final TenantLocks locks;

	private final TierCatalog tiers;

	private final TenantDatabaseProvisioner database;

	private final TenantRuntime runtime;

	private final PortAllocator ports;

	private final TenantHealthProbe health;

	private final TenantSecrets secrets;

	private final TenantRouter router;

	private final RolloutProperties properties;

	private final RuntimeProperties runtimeSettings;

	TenantUpgrade(RolloutStore rollouts, TenantStore tenants, TenantVersions versions, TenantLocks locks,
			TierCatalog tiers, TenantDatabaseProvisioner database, TenantRuntime runtime, PortAllocator ports,
			TenantHealthProbe health, TenantSecrets secrets, TenantRouter router, RolloutProperties properties,
			RuntimeProperties runtimeSettings) {
		this.rollouts = rollouts;
		this.tenants = tenants;
		this.versions = versions;
		this.locks = locks;
		this.tiers = tiers;
		this.database = database;
		this.runtime = runtime;
		this.ports = ports;
		this.health = health;
		this.secrets = secrets;
		this.router = router;
		this.properties = properties;
		this.runtimeSettings = runtimeSettings;
	}

	Outcome run(Rollout rollout, Entry entry) {
		Optional<TenantLock> lock = locks.tryLock(entry.tenantId());
		if (lock.isEmpty()) {
			return Outcome.WAITING;
		}
		MDC.put(Mdc.TENANT, entry.tenantId());
		try (TenantLock held = lock.get()) {
			Optional<Tenant> found = tenants.find(entry.tenantId());
			if (found.isEmpty()) {
				rollouts.step(rollout.id(), entry.tenantId(), Step.SKIPPED, "deleted");
				return Outcome.SKIPPED;
			}
			if (found.get().desiredState() != DesiredState.ACTIVE) {
				if (entry.step() == Step.PENDING) {
					rollouts.step(rollout.id(), entry.tenantId(), Step.SKIPPED, "no longer to be ACTIVE");
					return Outcome.SKIPPED;
				}
			}
			else if (entry.step() == Step.PENDING && found.get().generation() != found.get().observedGeneration()) {
				return Outcome.WAITING; // the reconciler has work to finish first
			}
			else if (entry.step() == Step.PENDING && found.get().status() != TenantStatus.ACTIVE) {
				rollouts.step(rollout.id(), entry.tenantId(), Step.SKIPPED,
						"was " + found.get().status() + " when its turn came");
				return Outcome.SKIPPED;
			}
			return upgrade(rollout, entry, found.get());
		}
		finally {
			MDC.remove(Mdc.TENANT);
		}
	}

	private Outcome upgrade(Rollout rollout, Entry entry, Tenant tenant) {
		long id = rollout.id();
		String tenantId = tenant.id();
		Tier tier = tiers.get(tenant.tier());
		Step step = entry.step();
		Integer fromPort = entry.fromPort();
		Integer candidate = entry.candidatePort();
		Version target = new Version(rollout.image(), rollout.schemaVersion());
		try {
			if (step == Step.PENDING) {
				Version from = versions.assign(tenantId).version();
				fromPort = tenant.port();
				rollouts.origin(id, tenantId, from.image(), from.schemaVersion(), fromPort);
				step = next(id, tenantId, Step.MIGRATING);
			}
			if (step == Step.MIGRATING) {
				String schema = newer(target.schemaVersion(),
						versions.find(tenantId).orElseThrow().version().schemaVersion());
				int applied = database.migrateTo(tenant, schema);
				versions.recordSchema(tenantId, schema);
				log.info("Rollout {}: tenant {} at schema {} ({} migrations applied)", id, tenantId, schema, applied);
				requireSchema(rollout.image(), schema);
				if (runsImage(tenantId, rollout.image())) {
					// a schema-only rollout: the migrations are expand-only, so the
					// container that runs keeps serving on the new schema; nothing to
					// restart
					versions.record(tenantId, target);
					rollouts.step(id, tenantId, Step.DONE, null);
					return Outcome.DONE;
				}
				candidate = spareCandidatePort(id, tenantId);
				step = next(id, tenantId, Step.STARTING);
			}
			if (step == Step.STARTING) {
				runtime.startCandidate(tenant, tier, rollout.image(), candidate);
				step = next(id, tenantId, Step.PROBING);
			}
			if (step == Step.PROBING) {
				health.awaitHealthy(tenantId, candidate, secrets.getOrCreate(tenantId, TenantSecrets.HEALTH_TOKEN),
						tier.healthStartPeriod());
				step = next(id, tenantId, Step.SWITCHING);
			}
			if (step == Step.SWITCHING) {
				tenants.movePort(tenantId, fromPort, candidate);
				router.apply(tenant.withPort(candidate));
				step = next(id, tenantId, Step.RETIRING);
			}
		}
		catch (RuntimeException e) {
			String reason = "upgrade to " + rollout.image() + " failed in " + step + ": " + e.getMessage();
			log.warn("Rollout {}: tenant {} {}; back on its old container", id, tenantId, reason);
			undo(tenant, fromPort, candidate, reason);
			rollouts.step(id, tenantId, Step.FAILED, reason);
			return Outcome.FAILED;
		}
		// past the switch: the new container serves; the old one is retired, retried
		// until done
		LockSupport.parkNanos(properties.drain().toNanos()); // requests already on their
																// way to the old one
		runtime.promoteCandidate(tenant);
		versions.record(tenantId, target);
		rollouts.step(id, tenantId, Step.DONE, null);
		log.info("Rollout {}: tenant {} on {} at schema {}, port {}", id, tenantId, target.image(),
				versions.find(tenantId).orElseThrow().version().schemaVersion(), candidate);
		return Outcome.DONE;
	}

	/** Whether the tenant's container runs {@code image} already (the ledger's image). */
	private boolean runsImage(String tenantId, String image) {
		String running = versions.find(tenantId).orElseThrow().version().image();
		return image.equals(running == null ? runtimeSettings.getImage() : running);
	}

	/**
	 * Picks and records a candidate port; one at a time, so tenants upgraded side by side
	 * never share one.
	 */
	private synchronized int spareCandidatePort(long rolloutId, String tenantId) {
		int port = ports.sparePort(rollouts.reservedPorts());
		rollouts.candidatePort(rolloutId, tenantId, port);
		return port;
	}

	/**
	 * Back on the old container: port and route to it again, the new container removed,
	 * the tenant held.
	 */
	private void undo(Tenant tenant, Integer fromPort, Integer candidate, String reason) {
		if (fromPort != null && candidate != null
				&& tenants.find(tenant.id()).map(Tenant::port).filter(candidate::equals).isPresent()) {
			tenants.movePort(tenant.id(), candidate, fromPort);
		}
		if (fromPort != null) {
			router.apply(tenant.withPort(fromPort));
		}
		runtime.removeCandidate(tenant);
		versions.hold(tenant.id(), reason);
	}

	/**
	 * The image's declared lowest schema (label), checked before any container of it
	 * starts.
	 */
	void requireSchema(String image, String schema) {
		Optional<String> needs = runtime.minSchema(image);
		if (needs.isPresent() && SchemaVersions.compare(schema, needs.get()) < 0) {
			throw new StepFailedException("image " + image + " needs tenant schema " + needs.get()
					+ " or newer (label io.tenantforge.min-schema); the tenant's schema is " + schema);
		}
	}

	private static String newer(String a, String b) {
		return SchemaVersions.compare(a, b) >= 0 ? a : b;
	}

	/**
	 * Records the step, then the crash-test hook: stops dead after the named step when
	 * set.
	 */
	private Step next(long rolloutId, String tenantId, Step step) {
		rollouts.step(rolloutId, tenantId, step, null);
		if (step.name().equals(properties.haltAfterStep())) {
			log.warn("halted at step {} of tenant {} (tenantforge.rollout.halt-after-step)", step, tenantId);
			while (true) {
				LockSupport.park(this);
			}
		}
		return step;
	}

}
