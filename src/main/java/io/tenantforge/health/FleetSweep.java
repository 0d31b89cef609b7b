package io.tenantforge.health;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.health.FleetAssessment.Orphan;
import io.tenantforge.health.FleetAssessment.Problem;
import io.tenantforge.health.FleetAssessment.Repair;
import io.tenantforge.health.FleetAssessment.State;
import io.tenantforge.health.FleetAssessment.Verdict;
import io.tenantforge.health.FleetReport.Calls;
import io.tenantforge.health.FleetReport.DegradedTenant;
import io.tenantforge.health.FleetReport.OrphanReport;
import io.tenantforge.health.FleetReport.Repairs;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.runtime.ManagedContainer;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.support.CallScope;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.Gateway;
import io.tenantforge.support.Mdc;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.OrphanAction;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.ResourceLedger.Resource;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TierCatalog;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The fleet health sweep: observes every tenant with a fixed number of calls
 * ({@link FleetObserver}), classifies them ({@link FleetClassifier}), hands drifted
 * tenants to the reconciler, restarts sick containers within a budget, reports orphans
 * (and removes those the ownership record gives to a gone tenant, when allowed), and
 * records the report. One sweep at a time across all nodes: Quartz's cluster fires each
 * schedule once, and an advisory lock keeps a manual sweep from overlapping it.
 */
@Component
public class FleetSweep {

	/** Quartz's header with the time a firing was scheduled for (set by camel-quartz). */
	public static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

	/** The advisory lock key of the sweep: not a possible tenant slug. */
	static final String LOCK_KEY = "fleet:health-sweep";

	/**
	 * Reason of the Healthy condition while the sweep watches a failing tenant before
	 * restarting it.
	 */
	static final String FAILING = "Failing";

	private static final Logger log = LoggerFactory.getLogger(FleetSweep.class);

	private final TenantStore store;

	private final TenantLocks locks;

	private final TierCatalog tiers;

	private final TenantRuntime containers;

	private final TenantDatabaseProvisioner database;

	private final TenantCacheProvisioner cache;

	private final ResourceLedger ledger;

	private final RestartBudget budget;

	private final FleetReports reports;

	private final SweepMetrics metrics;

	private final SweepProperties properties;

	private final FleetObserver observer;

	private final String instance = ManagementFactory.getRuntimeMXBean().getName();

	public FleetSweep(FleetObserver observer, TenantStore store, TenantLocks locks, TierCatalog tiers,
			TenantRuntime containers, TenantDatabaseProvisioner database, TenantCacheProvisioner cache,
			ResourceLedger ledger, RestartBudget budget, FleetReports reports, SweepMetrics metrics,
			SweepProperties properties) {
		this.observer = observer;
		this.store = store;
		this.locks = locks;
		this.tiers = tiers;
		this.containers = containers;
		this.database = database;
		this.cache = cache;
		this.ledger = ledger;
		this.budget = budget;
		this.reports = reports;
		this.metrics = metrics;
		this.properties = properties;
	}

	/**
	 * Runs one sweep. A scheduled sweep (Quartz sets {@value #SCHEDULED_FIRE_TIME}) that
	 * finds another running is recorded as skipped and returns null; a manual one is
	 * refused (409).
	 */
	public FleetReport sweep(@Header(SCHEDULED_FIRE_TIME) Date scheduledFireTime) {
		Instant scheduledAt = scheduledFireTime == null ? null : scheduledFireTime.toInstant();
		String trigger = scheduledAt == null ? "manual" : "schedule";
		Instant started = Instant.now();
		Optional<TenantLock> lock = locks.tryLock(LOCK_KEY);
		if (lock.isEmpty()) {
			reports.saveSkipped(instance, trigger, scheduledAt, started);
			log.warn("Health sweep ({}) skipped: another sweep is running", trigger);
			if (scheduledAt == null) {
				throw new ConflictException(
						"a health sweep is running already; GET /api/v1/fleet/health shows the " + "newest report");
			}
			return null;
		}
		try (TenantLock held = lock.get()) {
			FleetReport report = run(trigger, started);
			reports.saveDone(report, scheduledAt);
			reports.prune(properties.getKeepReports());
			metrics.swept(report);
			log.info(
					"Health sweep ({}) done in {} ms: {} degraded, {} orphans, {} handed to the reconciler, "
							+ "{} restarts",
					trigger, report.durationMillis(), report.degraded().size(), report.orphans().size(),
					report.handedToReconciler().size(), report.repairs().restarts());
			return report;
		}
		catch (RuntimeException e) {
			log.warn("Health sweep ({}) failed: {}", trigger, e.getMessage());
			reports.saveFailed(instance, trigger, scheduledAt, started);
			throw e;
		}
	}

	private FleetReport run(String trigger, Instant started) {
		// The report's calls are those the gateways counted in this scope: the
		// observation's reads (and the placements it records), not the repairs. Counted
		// on this thread and the probe threads it hands work to, so a reconcile running
		// meanwhile on the same gateways is not counted (CallScope).
		CallScope observation = new CallScope();
		FleetObserver.Seen seen;
		Map<String, List<Instant>> restarts;
		try (CallScope.Entered entered = observation.enter()) {
			seen = observer.observe();
			// where each tenant runs (Swarm: a node), for the tenant API; one statement,
			// nothing on a single engine
			if (containers.placesOnNodes()) {
				store.recordPlacements(placements(seen));
			}
			restarts = budget.recent();
		}
		List<Tenant> tenants = seen.observation().tenants();
		Map<String, ManagedContainer> running = seen.running();
		Map<String, Optional<String>> limits = seen.observation().limits();
		FleetAssessment assessment = FleetClassifier.assess(seen.observation(), tiers);

		Map<String, Tenant> byId = tenants.stream().collect(Collectors.toMap(Tenant::id, t -> t));
		Instant now = Instant.now();
		List<DegradedTenant> degraded = new ArrayList<>();
		List<String> handed = new ArrayList<>();
		int restarted = 0;
		for (Verdict verdict : assessment.verdicts()) {
			Tenant tenant = byId.get(verdict.tenantId());
			SweepAction action;
			try {
				Optional<SweepAction> acted = act(tenant, verdict, running, restarts, now);
				if (acted.isEmpty()) {
					continue;
				}
				action = acted.get();
			}
			catch (RuntimeException e) {
				// one tenant whose repair fails does not stop the sweep of the others
				MDC.put(Mdc.TENANT, tenant.id());
				log.warn("Tenant {}: the sweep's action failed: {}", tenant.id(), e.getMessage());
				MDC.remove(Mdc.TENANT);
				action = new SweepAction.Failed(e.getMessage());
			}
			degraded.add(new DegradedTenant(tenant.id(), verdict.problems().stream().map(Problem::message).toList(),
					action.describe()));
			if (action instanceof SweepAction.HandedToReconciler) {
				handed.add(tenant.id());
			}
			if (action instanceof SweepAction.Restarted) {
				restarted++;
			}
		}
		budget.prune();

		Set<String> liveIds = tenants.stream()
			.filter(FleetClassifier::live)
			.map(Tenant::id)
			.collect(Collectors.toSet());
		// the runtime's other labelled objects (Swarm secrets and networks) of no live
		// tenant: the ownership record does
		// not have them, so they are reported only
		List<Orphan> seenOrphans = new ArrayList<>(assessment.orphans());
		Map<Resource, String> owners;
		try (CallScope.Entered entered = observation.enter()) {
			containers.strays(liveIds)
				.forEach(stray -> seenOrphans.add(new Orphan(stray.kind(), stray.name(), stray.tenant())));
			owners = seenOrphans.isEmpty() ? Map.of() : ledger.all();
		}
		List<OrphanReport> orphans = new ArrayList<>();
		int removed = 0;
		if (!seenOrphans.isEmpty()) {
			for (Map.Entry<Orphan, OrphanAction> handled : handleOrphans(seenOrphans, liveIds, owners).entrySet()) {
				Orphan orphan = handled.getKey();
				orphans.add(new OrphanReport(orphan.kind(), orphan.name(), orphan.claimedBy(),
						owners.get(new Resource(orphan.kind(), orphan.name())), handled.getValue().describe()));
				if (handled.getValue() instanceof OrphanAction.Removed) {
					removed++;
				}
			}
		}

		Map<String, Integer> counts = new LinkedHashMap<>();
		for (State state : State.values()) {
			counts.put(state.name(), 0);
		}
		assessment.verdicts().forEach(v -> counts.merge(v.state().name(), 1, Integer::sum));
		Instant finished = Instant.now();
		Calls calls = new Calls(observation.count(Gateway.ENGINE), observation.count(Gateway.TENANTS_DATABASE),
				observation.count(Gateway.CONTROL_PLANE_DATABASE), observation.count(Gateway.REDIS),
				observation.count(Gateway.HEALTH_PROBE), limits.size());
		return new FleetReport(started, finished, Duration.between(started, finished).toMillis(), instance, trigger,
				counts, degraded, orphans, handed, new Repairs(handed.size(), restarted, removed), calls);
	}

	/** The node each known tenant's running container is on (Swarm). */
	private static Map<String, String> placements(FleetObserver.Seen seen) {
		Set<String> known = seen.observation().tenants().stream().map(Tenant::id).collect(Collectors.toSet());
		return seen.running()
			.values()
			.stream()
			.filter(c -> c.node() != null && known.contains(c.tenant()))
			.collect(Collectors.toMap(ManagedContainer::tenant, ManagedContainer::node, (a, b) -> a));
	}

	/**
	 * What the sweep does about one tenant's verdict; empty unless the tenant is
	 * degraded.
	 */
	private Optional<SweepAction> act(Tenant tenant, Verdict verdict, Map<String, ManagedContainer> running,
			Map<String, List<Instant>> restarts, Instant now) {
		if (verdict.state() == State.HEALTHY && (tenant.status() == TenantStatus.DEGRADED
				|| !tenant.condition(Condition.HEALTHY).map(c -> c.status() == Condition.Status.TRUE).orElse(false))) {
			store.recordHealth(tenant.id(), tenant.generation(), TenantStatus.ACTIVE, tenant.withCondition(
					Condition.isTrue(Condition.HEALTHY, "SweepPassed", "every part as provisioned, /health 200")));
			log.info("Tenant {} is healthy again", tenant.id());
		}
		if (verdict.state() != State.DEGRADED) {
			return Optional.empty();
		}
		List<String> reasons = verdict.problems().stream().map(Problem::message).toList();
		SweepAction action;
		if (verdict.needs(Repair.OPERATOR)) {
			// the reconciler would fail on the same data, and a restart cannot mend it
			store.recordHealth(tenant.id(), tenant.generation(), TenantStatus.DEGRADED,
					conditions(tenant, verdict, "NeedsOperator"));
			action = new SweepAction.LeftForOperator();
		}
		else if (verdict.needs(Repair.RECONCILE)) {
			action = store.requestRepair(tenant.id(), tenant.generation(), conditions(tenant, verdict, "Drifted"))
					? new SweepAction.HandedToReconciler() : new SweepAction.ChangedMeanwhile();
		}
		else {
			Duration failing = Duration.between(failingSince(tenant, now), now);
			if (failing.compareTo(properties.getRestartAfter()) < 0) {
				// watched, not yet DEGRADED: a slow or starved tenant is not restarted
				// for one failed probe
				store.recordHealth(tenant.id(), tenant.generation(), TenantStatus.ACTIVE,
						conditions(tenant, verdict, FAILING));
				action = new SweepAction.Watching(failing.toSeconds(), properties.getRestartAfter().toSeconds());
			}
			else {
				action = restart(tenant, running.get(tenant.names().containerName()), reasons,
						restarts.getOrDefault(tenant.id(), List.of()), now);
				store.recordHealth(tenant.id(), tenant.generation(), TenantStatus.DEGRADED,
						conditions(tenant, verdict, "Unhealthy"));
			}
		}
		MDC.put(Mdc.TENANT, tenant.id());
		log.warn("Tenant {} DEGRADED: {}; {}", tenant.id(), String.join("; ", reasons), action.describe());
		MDC.remove(Mdc.TENANT);
		return Optional.of(action);
	}

	/** Restarts the container if the budget allows; says what it did. */
	private SweepAction restart(Tenant tenant, ManagedContainer container, List<String> reasons, List<Instant> recent,
			Instant now) {
		Optional<String> refusal = budget.refusal(recent, now);
		if (refusal.isPresent()) {
			return new SweepAction.RestartRefused(refusal.get());
		}
		containers.restart(container);
		budget.record(tenant.id(), String.join("; ", reasons));
		return new SweepAction.Restarted(recent.size() + 1, properties.getRestartBudget(),
				properties.getRestartWindow().toMinutes());
	}

	/**
	 * Since when the tenant's health has been failing, by its Healthy condition; now when
	 * it was not.
	 */
	private static Instant failingSince(Tenant tenant, Instant now) {
		return tenant.condition(Condition.HEALTHY)
			.filter(c -> c.status() == Condition.Status.FALSE
					&& (FAILING.equals(c.reason()) || "Unhealthy".equals(c.reason())))
			.map(Condition::lastTransitionTime)
			.orElse(now);
	}

	/**
	 * The tenant's conditions with each problem's condition False, saying what is wrong.
	 */
	private static List<Condition> conditions(Tenant tenant, Verdict verdict, String reason) {
		Map<String, List<Problem>> byCondition = verdict.problems()
			.stream()
			.collect(Collectors.groupingBy(Problem::condition, LinkedHashMap::new, Collectors.toList()));
		Tenant current = tenant;
		for (Map.Entry<String, List<Problem>> entry : byCondition.entrySet()) {
			String message = entry.getValue().stream().map(Problem::message).collect(Collectors.joining("; "));
			current = current.withConditions(current.withCondition(Condition.isFalse(entry.getKey(), reason, message)));
		}
		return current.conditions();
	}

	/**
	 * Decides about every orphan by the tenant the ownership record gives it to; removes
	 * it only when removal is on, the record has it, and that tenant is gone: then under
	 * that tenant's lock, after checking again that it still is (a reconcile of a
	 * re-ordered tenant of the same id must not lose a resource it has just claimed).
	 */
	private Map<Orphan, OrphanAction> handleOrphans(List<Orphan> orphans, Set<String> liveIds,
			Map<Resource, String> owners) {
		Map<Orphan, OrphanAction> handled = new LinkedHashMap<>();
		Set<String> removedDatabases = new HashSet<>();
		for (Orphan orphan : orphans) {
			String owner = owners.get(new Resource(orphan.kind(), orphan.name()));
			OrphanAction action;
			if (owner == null) {
				action = new OrphanAction.NotRecorded();
			}
			else if (liveIds.contains(owner)
					|| !Tenant.former(owner).names().nameOf(orphan.kind()).equals(orphan.name())) {
				action = new OrphanAction.NotTheOwners(owner);
			}
			else if (!properties.isRemoveOrphans()) {
				action = new OrphanAction.RemovalOff();
			}
			else {
				action = removeUnderLock(orphan, owner, removedDatabases);
			}
			log.warn("Orphan {} {} (label or mark: {}, ownership record: {}): {}", orphan.kind(), orphan.name(),
					orphan.claimedBy(), owner, action.describe());
			handled.put(orphan, action);
		}
		return handled;
	}

	private OrphanAction removeUnderLock(Orphan orphan, String owner, Set<String> removedDatabases) {
		if (isDatabase(orphan) && removedDatabases.contains(owner)) {
			return new OrphanAction.Removed(); // with its role or schema, by the same
												// removal
		}
		Optional<TenantLock> lock = locks.tryLock(owner);
		if (lock.isEmpty()) {
			return new OrphanAction.OwnerBusy(owner);
		}
		try (TenantLock held = lock.get()) {
			boolean ownerLive = store.find(owner).map(FleetClassifier::live).orElse(false);
			if (ownerLive || !ledger.owns(owner, orphan.kind(), orphan.name())) {
				return new OrphanAction.NoLongerOrphan(owner);
			}
			return remove(orphan, owner, removedDatabases);
		}
	}

	/** A role or schema: the database step removes both together. */
	private static boolean isDatabase(Orphan orphan) {
		return orphan.kind() == ResourceKind.DATABASE_ROLE || orphan.kind() == ResourceKind.DATABASE_SCHEMA;
	}

	private OrphanAction remove(Orphan orphan, String owner, Set<String> removedDatabases) {
		Tenant former = Tenant.former(owner);
		try {
			switch (orphan.kind()) {
				case CONTAINER -> containers.remove(former);
				case REDIS_USER -> cache.remove(former);
				case DATABASE_ROLE, DATABASE_SCHEMA -> {
					database.remove(former);
					removedDatabases.add(owner);
				}
				default -> {
					return new OrphanAction.NotRemovable(orphan.kind());
				}
			}
			return new OrphanAction.Removed();
		}
		catch (RuntimeException e) {
			return new OrphanAction.RemovalFailed(e.getMessage());
		}
	}

}
