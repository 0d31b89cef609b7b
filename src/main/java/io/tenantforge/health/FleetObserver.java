package io.tenantforge.health;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import io.tenantforge.support.DaemonThreads;
import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.cache.TenantCacheProvisioner.AclSnapshot;
import io.tenantforge.database.DatabaseCatalog;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.health.FleetClassifier.Observation;
import io.tenantforge.runtime.ContainerSpecs;
import io.tenantforge.runtime.ManagedContainer;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.CallScope;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The sweep's look at the fleet, with a fixed number of calls whatever its size: the
 * tenants, one labelled container list, one catalog query, one ACL list, every secret in
 * one query; then the serving tenants' {@code /health} in parallel and the limits of a
 * few containers, round the fleet. It only reads; {@link FleetClassifier} decides and
 * {@link FleetSweep} acts.
 */
@Component
class FleetObserver implements DisposableBean {

	/**
	 * One look at the fleet.
	 *
	 * @param observation what the classifier judges
	 * @param running the running labelled containers, by name (what a restart acts on)
	 */
	record Seen(Observation observation, Map<String, ManagedContainer> running) {
	}

	private final TenantStore store;

	private final TierCatalog tiers;

	private final TenantRuntime containers;

	private final TenantDatabaseProvisioner database;

	private final TenantDatabaseProperties databaseProperties;

	private final TenantCacheProvisioner cache;

	private final TenantSecrets secrets;

	private final TenantHealthProbe probe;

	private final SweepProperties properties;

	private final ExecutorService probes;

	private final ObjectProvider<UpgradesInFlight> upgrades;

	/**
	 * The last tenant whose limits were audited: the audit goes round the fleet from
	 * here.
	 */
	private volatile String auditCursor = "";

	FleetObserver(TenantStore store, TierCatalog tiers, TenantRuntime containers, TenantDatabaseProvisioner database,
			TenantDatabaseProperties databaseProperties, TenantCacheProvisioner cache, TenantSecrets secrets,
			TenantHealthProbe probe, SweepProperties properties, ObjectProvider<UpgradesInFlight> upgrades) {
		this.store = store;
		this.tiers = tiers;
		this.containers = containers;
		this.database = database;
		this.databaseProperties = databaseProperties;
		this.cache = cache;
		this.secrets = secrets;
		this.probe = probe;
		this.properties = properties;
		this.upgrades = upgrades;
		this.probes = Executors.newFixedThreadPool(properties.getProbeConcurrency(),
				DaemonThreads.numbered("sweep-probe-"));
	}

	Seen observe() {
		List<Tenant> tenants = store.findAll();
		List<ManagedContainer> seenContainers = containers.listManaged();
		DatabaseCatalog catalog = database.catalog();
		AclSnapshot acl = cache.snapshot();
		// a secret that will not decrypt is its tenant's problem (DEGRADED, left for an
		// operator), not the sweep's
		TenantSecrets.Readout sealed = secrets.readAll();

		Map<String, ManagedContainer> running = seenContainers.stream()
			.filter(ManagedContainer::running)
			.collect(Collectors.toMap(ManagedContainer::name, c -> c, (a, b) -> a));
		List<Tenant> serving = tenants.stream()
			.filter(FleetClassifier::checked)
			.filter(t -> t.port() != null)
			.filter(t -> Optional.ofNullable(running.get(t.names().containerName()))
				.map(c -> t.id().equals(c.tenant()))
				.orElse(false))
			.sorted(Comparator.comparing(Tenant::id))
			.toList();
		Map<String, Optional<String>> health = probeAll(serving, sealed.named(TenantSecrets.HEALTH_TOKEN));
		Map<String, Optional<String>> limits = auditLimits(serving, running);
		// a rollout's candidate beside the old container: asked only when one is seen
		UpgradesInFlight inFlight = seenContainers.stream()
			.anyMatch(c -> c.name().endsWith(ContainerSpecs.CANDIDATE_SUFFIX)) ? upgrades.getIfAvailable() : null;
		Set<String> upgrading = inFlight == null ? Set.of() : inFlight.tenants();
		return new Seen(
				new Observation(tenants, seenContainers, catalog, acl, sealed.named(TenantSecrets.REDIS_PASSWORD),
						sealed.unreadable(), health, limits, databaseProperties.databaseName(), upgrading),
				running);
	}

	/**
	 * Every serving tenant's {@code /health}, at most {@code probeConcurrency} at once,
	 * each answer checked for the tenant's identity proof (its health token, by tenant
	 * id).
	 */
	private Map<String, Optional<String>> probeAll(List<Tenant> serving, Map<String, String> healthTokens) {
		Map<String, CompletableFuture<Optional<String>>> pending = new LinkedHashMap<>();
		for (Tenant tenant : serving) {
			// on the probe pool, in the sweep's counting scope
			pending.put(tenant.id(), CompletableFuture.supplyAsync(CallScope.carried(() -> probe.probe(tenant.id(),
					tenant.port(), healthTokens.get(tenant.id()), properties.getProbeTimeout())), probes));
		}
		Map<String, Optional<String>> results = new HashMap<>();
		pending.forEach((id, future) -> results.put(id, future.join()));
		return results;
	}

	/**
	 * The limits of the next {@code limitsAuditPerSweep} serving containers, round the
	 * fleet.
	 */
	private Map<String, Optional<String>> auditLimits(List<Tenant> serving, Map<String, ManagedContainer> running) {
		int quota = Math.min(properties.getLimitsAuditPerSweep(), serving.size());
		if (quota == 0) {
			return Map.of();
		}
		String cursor = auditCursor;
		List<Tenant> next = new ArrayList<>(serving.stream().filter(t -> t.id().compareTo(cursor) > 0).toList());
		for (Tenant tenant : serving) {
			if (next.size() >= quota) {
				break;
			}
			if (tenant.id().compareTo(cursor) <= 0) {
				next.add(tenant);
			}
		}
		Map<String, Optional<String>> drift = new HashMap<>();
		for (Tenant tenant : next.subList(0, quota)) {
			// a tenant of a tier no longer configured is judged (and reported) by the
			// classifier
			tiers.find(tenant.tier())
				.ifPresent(tier -> drift.put(tenant.id(),
						containers.limitsDrift(running.get(tenant.names().containerName()), tier)));
			auditCursor = tenant.id();
		}
		return drift;
	}

	@Override
	public void destroy() {
		probes.shutdownNow();
	}

}
