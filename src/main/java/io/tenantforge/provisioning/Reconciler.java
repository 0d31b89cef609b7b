package io.tenantforge.provisioning;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.database.SchemaArchiver;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.health.TenantHealthProbe;
import io.tenantforge.routing.TenantRouter;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.runtime.UnschedulableException;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.Headers;
import io.tenantforge.support.Mdc;
import io.tenantforge.support.Metrics;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Exchange;
import org.apache.camel.component.docker.DockerConstants;
import org.springframework.stereotype.Component;

/**
 * The steps of a reconcile, called in order by the {@code provisioning-*} and
 * {@code deprovisioning-*} routes. Each step reads what exists, makes one part of the
 * world match the tenant's desired state, records its condition, and hands the tenant on.
 * Every step is safe to repeat after a crash at any point.
 * <p>
 * A reconcile works on one generation: the desired state as {@link #claim} read it under
 * the tenant's lock. The steps never reload the desired state; between steps they look
 * whether a newer generation was asked for, and if so abandon theirs (nothing is recorded
 * as observed) and the newer one is reconciled next with its own steps.
 * {@code observed_generation} only ever records a generation whose steps all ran.
 */
@Component
public class Reconciler {

	static final String LOCK = "TenantforgeLock";

	/**
	 * Exchange property: the tenant as claimed, the generation this reconcile works on.
	 */
	static final String CLAIMED = "TenantforgeClaimed";

	/**
	 * Exchange property set by {@link #release} when the tenant has more work due:
	 * reconcile it again now.
	 */
	static final String AGAIN = "TenantforgeReconcileAgain";

	private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

	private final TenantStore store;

	private final TenantLocks locks;

	private final TierCatalog tiers;

	private final ProvisioningProperties properties;

	private final TenantDatabaseProvisioner database;

	private final SchemaArchiver archiver;

	private final TenantCacheProvisioner cache;

	private final TenantRuntime containers;

	private final TenantHealthProbe health;

	private final TenantSecrets secrets;

	private final Metrics metrics;

	private final TenantRouter router;

	private final Rollback rollback;

	private final io.tenantforge.tenant.TenantVersions versions;

	/**
	 * Tenants the resync timer has queued and no reconciler has taken yet, with when;
	 * after {@link #REQUEUE_AFTER} one is queued again, in case its message was lost.
	 */
	private final java.util.Map<String, Instant> queuedByResync = new java.util.concurrent.ConcurrentHashMap<>();

	private static final Duration REQUEUE_AFTER = Duration.ofMinutes(5);

	private final StepBarrier barrier;

	private final EarlyContainers early;

	public Reconciler(TenantStore store, TenantLocks locks, TierCatalog tiers, ProvisioningProperties properties,
			TenantDatabaseProvisioner database, SchemaArchiver archiver, TenantCacheProvisioner cache,
			TenantRuntime containers, TenantHealthProbe health, TenantSecrets secrets, Metrics metrics,
			TenantRouter router, Rollback rollback, io.tenantforge.tenant.TenantVersions versions, StepBarrier barrier,
			EarlyContainers early) {
		this.barrier = barrier;
		this.early = early;
		this.router = router;
		this.rollback = rollback;
		this.versions = versions;
		this.store = store;
		this.locks = locks;
		this.tiers = tiers;
		this.properties = properties;
		this.database = database;
		this.archiver = archiver;
		this.cache = cache;
		this.containers = containers;
		this.health = health;
		this.secrets = secrets;
		this.metrics = metrics;
	}

	/**
	 * Takes the tenant's lock if it has work due; null (and the route stops) when it has
	 * none or another reconciler holds it.
	 */
	public Tenant claim(Exchange exchange) {
		String tenantId = exchange.getMessage().getHeader(Headers.TENANT_ID, String.class);
		queuedByResync.remove(tenantId);
		Optional<TenantLock> lock = locks.tryLock(tenantId);
		if (lock.isEmpty()) {
			return null;
		}
		Optional<Tenant> due = store.findForReconcile(tenantId);
		if (due.isEmpty()) {
			lock.get().close();
			return null;
		}
		exchange.setProperty(LOCK, lock.get());
		MDC.put(Mdc.TENANT, tenantId);
		// the snapshot this reconcile works from: read under the lock, never reloaded by
		// the steps
		Tenant tenant = due.get();
		TenantStatus working = switch (tenant.desiredState()) {
			// a repair handed over by the health sweep shows DEGRADED until the tenant is
			// whole again
			case ACTIVE -> tenant.status() == TenantStatus.DEGRADED ? TenantStatus.DEGRADED : TenantStatus.PROVISIONING;
			case SUSPENDED -> tenant.status();
			case DELETED -> TenantStatus.DEPROVISIONING;
		};
		store.updateStatus(tenant.id(), tenant.generation(), working);
		exchange.setProperty(CLAIMED, tenant);
		log.info("Reconciling tenant {} generation {} towards {} (attempt {})", tenant.id(), tenant.generation(),
				tenant.desiredState(), tenant.attempts() + 1);
		return tenant;
	}

	public Tenant database(Tenant tenant) {
		// the tenant's version: the fleet's current one at its first provisioning, then
		// only a rollout moves it
		TenantVersions.Version version = versions.assign(tenant.id()).version();
		// a first provisioning's container is made meanwhile (started only after the
		// database and cache steps)
		early.start(tenant, tierOf(tenant), version.image());
		timed("database", () -> database.ensure(tenant, tierOf(tenant), version.schemaVersion()));
		return next("database", record(tenant, Condition.isTrue(Condition.DATABASE_READY, "Provisioned",
				"role and schema " + tenant.names().databaseSchema() + " ready, migrations applied")));
	}

	/**
	 * The cache step's first half: the ACL user (the route then writes the metadata key).
	 */
	public Tenant cacheUser(Tenant tenant) {
		timed("cache", () -> cache.ensureUser(tenant));
		return tenant;
	}

	/** The cache step's end, once the route has written the namespace's metadata key. */
	public Tenant cacheReady(Tenant tenant) {
		return next("cache", record(tenant, Condition.isTrue(Condition.CACHE_READY, "Provisioned",
				"ACL user " + tenant.names().redisUser() + " limited to " + tenant.names().redisPattern())));
	}

	/** The container step on another driver than docker: the runtime applies it all. */
	public Tenant container(Tenant tenant) {
		String image = versions.assign(tenant.id()).version().image();
		int port = metrics.step("container", () -> containers.ensure(tenant, tierOf(tenant), image));
		return containerReady(tenant.withPort(port));
	}

	/**
	 * The container step's first part on the docker driver: the container made as the
	 * tier says; the id the route's {@code docker:containerstart} starts goes into the
	 * endpoint's container id header (null when it runs). The tenant with its port.
	 */
	public Tenant prepareContainer(Tenant tenant, Exchange exchange) {
		String image = versions.assign(tenant.id()).version().image();
		TenantRuntime.Prepared prepared = metrics.step("container",
				() -> early.take(tenant.id()).orElseGet(() -> containers.prepare(tenant, tierOf(tenant), image)));
		exchange.getMessage().setHeader(DockerConstants.DOCKER_CONTAINER_ID, prepared.toStart());
		return tenant.withPort(prepared.port());
	}

	/** The container step's end, the container running. */
	public Tenant containerReady(Tenant tenant) {
		int port = tenant.port();
		return next("container", record(tenant, Condition.isTrue(Condition.CONTAINER_READY, "Running",
				"container " + tenant.names().containerName() + " running on 127.0.0.1:" + port)));
	}

	public Tenant health(Tenant tenant) {
		String token = secrets.getOrCreate(tenant.id(), TenantSecrets.HEALTH_TOKEN);
		timed("health",
				() -> health.awaitHealthy(tenant.id(), tenant.port(), token, tierOf(tenant).healthStartPeriod()));
		return next("health", record(tenant, Condition.isTrue(Condition.HEALTHY, "HealthCheckPassed",
				"/health answered 200 with the tenant's identity proof on " + tenant.endpoint().orElseThrow())));
	}

	/**
	 * Whether the container calls go through the routes' {@code docker:} endpoints (the
	 * docker driver) or through the runtime's beans.
	 */
	public boolean dockerEndpoints() {
		return containers.dockerEndpoints();
	}

	/**
	 * Suspend's first part on the docker driver: the id of the container the route's
	 * {@code docker:containerstop} stops; null when none runs.
	 */
	public String containerToStop(Tenant tenant) {
		return containers.toStop(tenant).orElse(null);
	}

	/** Suspend's first part on another driver: the runtime stops the container. */
	public Tenant stopContainer(Tenant tenant) {
		timed("suspend-container", () -> containers.stop(tenant));
		return tenant;
	}

	/**
	 * Suspend, once the container is stopped: ACL user off, role NOLOGIN; all data kept.
	 */
	public Tenant suspend(Tenant tenant) {
		timed("suspend", () -> {
			cache.disable(tenant);
			database.disableLogin(tenant);
		});
		return next("suspend", tenant);
	}

	/**
	 * The tenant's route in the router: to its container while ACTIVE, the suspended page
	 * while SUSPENDED.
	 */
	public Tenant route(Tenant tenant) {
		timed("route", () -> router.apply(tenant));
		return next("route", tenant);
	}

	/**
	 * The route, its certificates and the tenant's domains removed: its hostnames no
	 * longer answer.
	 */
	public Tenant removeRoute(Tenant tenant) {
		timed("remove-route", () -> router.delete(tenant));
		return next("remove-route", tenant);
	}

	public Tenant archive(Tenant tenant) {
		timed("archive", () -> archiver.archive(tenant));
		return next("archive", tenant);
	}

	/** Delete on another driver than docker: the runtime removes the container. */
	public Tenant removeContainer(Tenant tenant) {
		timed("remove-container", () -> containers.remove(tenant));
		return containerRemoved(tenant);
	}

	/**
	 * Delete's first part on the docker driver: the id of the container the route's
	 * {@code docker:containerremove} removes; null when there is none to remove.
	 */
	public String containerToRemove(Tenant tenant) {
		return containers.toRemove(tenant).orElse(null);
	}

	/**
	 * Delete, after the route's removal: fails transiently while the container exists.
	 */
	public Tenant requireContainerGone(Tenant tenant) {
		containers.requireGone(tenant);
		return tenant;
	}

	/** Delete, once the container is gone: the network and the secret files. */
	public Tenant removeContainerRest(Tenant tenant) {
		timed("remove-container", () -> containers.removeRest(tenant));
		return containerRemoved(tenant);
	}

	private Tenant containerRemoved(Tenant tenant) {
		return next("remove-container", record(tenant,
				Condition.isFalse(Condition.CONTAINER_READY, "Deleted", "container and secret files removed")));
	}

	public Tenant removeCache(Tenant tenant) {
		timed("remove-cache", () -> cache.remove(tenant));
		return next("remove-cache", record(tenant,
				Condition.isFalse(Condition.CACHE_READY, "Deleted", "ACL user and namespace keys removed")));
	}

	public Tenant removeDatabase(Tenant tenant) {
		timed("remove-database", () -> database.remove(tenant));
		return next("remove-database",
				record(tenant, Condition.isFalse(Condition.DATABASE_READY, "Deleted", "schema and role dropped")));
	}

	/**
	 * All steps of the claimed generation done: that generation is observed (the status
	 * is left to a newer one, if one was asked for meanwhile; it runs next).
	 */
	public void succeeded(Tenant tenant) {
		switch (tenant.desiredState()) {
			case ACTIVE -> {
				store.markObserved(tenant.id(), tenant.generation(), TenantStatus.ACTIVE, tenant.conditions());
				log.info("Tenant {} is ACTIVE at {}", tenant.id(), tenant.endpoint().orElse("?"));
			}
			case SUSPENDED -> {
				List<Condition> conditions = new ArrayList<>();
				conditions.add(Condition.isFalse(Condition.DATABASE_READY, "Suspended", "role may not log in"));
				conditions.add(Condition.isFalse(Condition.CACHE_READY, "Suspended", "ACL user disabled"));
				conditions.add(Condition.isFalse(Condition.CONTAINER_READY, "Suspended", "container stopped"));
				conditions.add(Condition.isFalse(Condition.HEALTHY, "Suspended", "not serving"));
				store.markObserved(tenant.id(), tenant.generation(), TenantStatus.SUSPENDED, merge(tenant, conditions));
				log.info("Tenant {} is SUSPENDED", tenant.id());
			}
			case DELETED -> {
				secrets.forget(tenant.id());
				store.releasePort(tenant.id());
				versions.forget(tenant.id()); // ordered again, it starts at the fleet's
												// current version
				store.markObserved(tenant.id(), tenant.generation(), TenantStatus.DELETED, merge(tenant,
						List.of(Condition.isFalse(Condition.HEALTHY, "Deleted", "tenant deprovisioned"))));
				log.info("Tenant {} is DELETED", tenant.id());
			}
		}
	}

	/**
	 * A reconcile failed after the retries within its steps. A transient fault is tried
	 * again later, with exponential backoff, until the deadline; anything else, or the
	 * deadline, ends the tenant FAILED. A first provisioning that fails for good is
	 * rolled back, as far as the ownership record allows. A generation that a newer one
	 * has superseded is abandoned instead: the newer one runs its own steps next.
	 */
	public void failed(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		Tenant claimed = exchange.getProperty(CLAIMED, Tenant.class);
		early.settle(claimed.id()); // what it made is there for the rollback to take back
		Tenant current = store.find(claimed.id()).orElseThrow();
		// the claimed generation's spec, with the conditions its steps recorded
		Tenant tenant = claimed.withConditions(current.conditions());
		String tenantId = tenant.id();
		String step = FailingStep.of(tenant);
		String message = FailurePolicy.messageOf(cause);
		if (current.generation() > tenant.generation()) {
			log.info("Tenant {}: generation {} abandoned ({}); generation {} runs next with its own steps", tenantId,
					tenant.generation(), message, current.generation());
			return;
		}
		Optional<UnschedulableException> unschedulable = unschedulable(cause);
		if (unschedulable.isPresent() && tenant.desiredState() == DesiredState.ACTIVE) {
			// no node may run it yet: not the tenant's failure, and no deadline; it waits
			// PENDING and is tried again
			int attempts = tenant.attempts() + 1;
			Duration wait = properties.backoff(attempts);
			log.warn("Tenant {} PENDING: {}; next attempt in {}s", tenantId, unschedulable.get().getMessage(),
					wait.toSeconds());
			store.updateStatus(tenantId, tenant.generation(), TenantStatus.PENDING);
			store.scheduleRetry(tenantId, tenant.generation(), attempts, wait, tenant.withCondition(
					Condition.isFalse(Condition.CONTAINER_READY, "NoSuitableNode", unschedulable.get().getMessage())));
			return;
		}
		FailurePolicy.Outcome outcome = FailurePolicy.decide(cause, tenant, Instant.now(), properties);
		if (outcome instanceof FailurePolicy.Retry retry) {
			int attempts = retry.attempts();
			Duration wait = retry.delay();
			log.warn("Tenant {}: reconcile attempt {} failed in {} ({}); next attempt in {}s", tenantId, attempts, step,
					message, wait.toSeconds());
			store.scheduleRetry(tenantId, tenant.generation(), attempts, wait, tenant.withCondition(Condition.isFalse(
					step, "Retrying",
					"attempt " + attempts + " failed: " + message + "; next attempt in " + wait.toSeconds() + "s")));
			return;
		}
		String reason = ((FailurePolicy.Fail) outcome).reason();
		List<Condition> conditions = tenant.withCondition(Condition.isFalse(step, "StepFailed", reason));
		if (tenant.desiredState() == DesiredState.ACTIVE && current.activatedAt() == null) {
			conditions = rollback.rollBack(tenant, step, conditions);
		}
		log.warn("Tenant {} FAILED in {}: {}", tenantId, step, reason);
		store.markObserved(tenantId, tenant.generation(), TenantStatus.FAILED, conditions);
	}

	private static Optional<UnschedulableException> unschedulable(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof UnschedulableException waiting) {
				return Optional.of(waiting);
			}
		}
		return Optional.empty();
	}

	/** Gives the tenant's lock back; a no-op when the route stopped before taking it. */
	public void release(Exchange exchange) {
		TenantLock lock = exchange.getProperty(LOCK, TenantLock.class);
		if (lock != null) {
			String tenantId = exchange.getMessage().getHeader(Headers.TENANT_ID, String.class);
			// nothing is made for the tenant once another may hold its lock
			early.settle(tenantId);
			lock.close();
			exchange.removeProperty(LOCK);
			exchange.removeProperty(CLAIMED);
			// a newer generation asked for while this one ran found the lock taken: it
			// runs now, not on a later resync
			exchange.setProperty(AGAIN, store.findForReconcile(tenantId).isPresent());
		}
		MDC.remove(Mdc.TENANT);
	}

	/**
	 * Ids of tenants with work due that the resync timer has not queued already: a tenant
	 * waiting in the queue behind a long burst is not queued again on every tick (which
	 * once filled the queue with thousands of duplicates).
	 */
	public List<String> due() {
		Instant now = Instant.now();
		return store.findDue(100)
			.stream()
			.filter(id -> queuedByResync.compute(id,
					(key, since) -> since == null || since.plus(REQUEUE_AFTER).isBefore(now) ? now : since) == now)
			.toList();
	}

	private static List<Condition> merge(Tenant tenant, List<Condition> changes) {
		Tenant current = tenant;
		for (Condition change : changes) {
			current = current.withConditions(current.withCondition(change));
		}
		return current.conditions();
	}

	private void timed(String step, Runnable work) {
		metrics.step(step, () -> {
			work.run();
			return null;
		});
	}

	private Tier tierOf(Tenant tenant) {
		return tiers.get(tenant.tier());
	}

	/**
	 * Records the step's condition; the claimed generation goes on with it (nothing else
	 * is read back).
	 */
	private Tenant record(Tenant tenant, Condition condition) {
		List<Condition> conditions = tenant.withCondition(condition);
		store.updateConditions(tenant.id(), conditions);
		return tenant.withConditions(conditions);
	}

	/**
	 * The end of a step: the step boundary's seam ({@link StepBarrier}), then the claimed
	 * generation goes on to the next step only while it is the newest; a newer one
	 * supersedes it.
	 */
	private Tenant next(String step, Tenant tenant) {
		barrier.passed(step, tenant);
		long newest = store.generationOf(tenant.id()).orElse(tenant.generation());
		if (newest > tenant.generation()) {
			throw new GenerationSuperseded(tenant, step, newest);
		}
		return tenant;
	}

	/**
	 * A newer generation was asked for while a reconcile ran: it stops between two steps.
	 */
	static final class GenerationSuperseded extends RuntimeException {

		GenerationSuperseded(Tenant tenant, String step, long newest) {
			super("generation " + newest + " was asked for after step " + step + " of generation "
					+ tenant.generation(), null, false, false);
		}

	}

}
