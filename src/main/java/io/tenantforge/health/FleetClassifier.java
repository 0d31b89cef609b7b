package io.tenantforge.health;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.tenantforge.cache.AclUser;
import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.cache.TenantCacheProvisioner.AclSnapshot;
import io.tenantforge.database.DatabaseCatalog;
import io.tenantforge.health.FleetAssessment.Orphan;
import io.tenantforge.health.FleetAssessment.Problem;
import io.tenantforge.health.FleetAssessment.Repair;
import io.tenantforge.health.FleetAssessment.State;
import io.tenantforge.health.FleetAssessment.Verdict;
import io.tenantforge.runtime.ContainerSpecs;
import io.tenantforge.runtime.ManagedContainer;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TierCatalog;

/**
 * Decides, from one observation of the fleet, which tenants are healthy, which are
 * degraded and why, and which resources are orphans. No I/O: everything it needs is in
 * the {@link Observation}.
 */
final class FleetClassifier {

	private FleetClassifier() {
	}

	/**
	 * What one sweep saw.
	 *
	 * @param redisPasswords each tenant's Redis password, to compare with its ACL user's
	 * hash
	 * @param unreadableSecrets the names of each tenant's secrets that do not decrypt, by
	 * tenant id
	 * @param probes the problem each probed tenant's {@code /health} showed (empty:
	 * healthy), by tenant id
	 * @param limits the limit drift of the containers audited this sweep (empty: as the
	 * tier says), by tenant id
	 */
	public record Observation(List<Tenant> tenants, List<ManagedContainer> containers, DatabaseCatalog catalog,
			AclSnapshot acl, Map<String, String> redisPasswords, Map<String, List<String>> unreadableSecrets,
			Map<String, Optional<String>> probes, Map<String, Optional<String>> limits, String databaseName,
			Set<String> upgrading) {
	}

	/** Settled ACTIVE (or DEGRADED) tenants: the ones the sweep checks. */
	public static boolean checked(Tenant tenant) {
		return tenant.desiredState() == DesiredState.ACTIVE && tenant.generation() == tenant.observedGeneration()
				&& (tenant.status() == TenantStatus.ACTIVE || tenant.status() == TenantStatus.DEGRADED);
	}

	/** Tenants whose resources are in use: all but the deleted ones. */
	public static boolean live(Tenant tenant) {
		return !(tenant.desiredState() == DesiredState.DELETED && tenant.status() == TenantStatus.DELETED);
	}

	public static FleetAssessment assess(Observation seen, TierCatalog tiers) {
		Map<String, ManagedContainer> containers = new HashMap<>();
		for (ManagedContainer container : seen.containers()) {
			containers.put(container.name(), container);
		}
		Map<String, AclUser> aclUsers = new HashMap<>();
		for (AclUser user : seen.acl().users()) {
			aclUsers.put(user.name(), user);
		}
		List<Verdict> verdicts = new ArrayList<>();
		for (Tenant tenant : seen.tenants()) {
			if (!live(tenant)) {
				continue;
			}
			try {
				verdicts.add(verdict(tenant, seen, tiers, containers, aclUsers));
			}
			catch (RuntimeException e) {
				// a fault in one tenant's data is that tenant's problem, never the whole
				// sweep's
				verdicts.add(new Verdict(tenant.id(), State.DEGRADED, List.of(new Problem(Condition.HEALTHY,
						"the health sweep cannot judge this tenant: " + e.getMessage(), Repair.OPERATOR))));
			}
		}
		return new FleetAssessment(verdicts, orphans(seen));
	}

	private static Verdict verdict(Tenant tenant, Observation seen, TierCatalog tiers,
			Map<String, ManagedContainer> containers, Map<String, AclUser> aclUsers) {
		if (!checked(tenant)) {
			State state = switch (tenant.status()) {
				case SUSPENDED ->
					tenant.generation() == tenant.observedGeneration() ? State.SUSPENDED : State.RECONCILING;
				case FAILED -> tenant.generation() == tenant.observedGeneration() ? State.FAILED : State.RECONCILING;
				default -> State.RECONCILING;
			};
			return new Verdict(tenant.id(), state, List.of());
		}
		TenantNames names = tenant.names();
		List<Problem> problems = new ArrayList<>();
		for (String secret : seen.unreadableSecrets().getOrDefault(tenant.id(), List.of())) {
			problems.add(new Problem(conditionOf(secret), TenantSecrets.unreadable(secret), Repair.OPERATOR));
		}
		ManagedContainer container = containers.get(names.containerName());
		if (container == null || !tenant.id().equals(container.tenant())) {
			problems.add(new Problem(Condition.CONTAINER_READY, "container " + names.containerName() + " missing",
					Repair.RECONCILE));
		}
		else if (!container.running()) {
			problems.add(new Problem(Condition.CONTAINER_READY,
					"container " + container.name() + " " + container.state() + " (" + container.status() + ")",
					Repair.RECONCILE));
		}
		else {
			if (container.unhealthy()) {
				problems.add(new Problem(Condition.HEALTHY,
						"container " + container.name() + " unhealthy (Docker health check)", Repair.RESTART));
			}
			Optional<String> probe = seen.probes().getOrDefault(tenant.id(), Optional.empty());
			probe.ifPresent(problem -> problems
				.add(new Problem(Condition.HEALTHY, "health endpoint failing: " + problem, Repair.RESTART)));
			seen.limits()
				.getOrDefault(tenant.id(), Optional.empty())
				.ifPresent(drift -> problems.add(new Problem(Condition.CONTAINER_READY,
						"limits drifted from tier " + tenant.tier() + ": " + drift, Repair.RECONCILE)));
		}
		for (String drift : seen.catalog().drift(tenant.id(), names, tiers.get(tenant.tier()), seen.databaseName())) {
			problems.add(new Problem(Condition.DATABASE_READY, drift, Repair.RECONCILE));
		}
		AclUser user = aclUsers.get(names.redisUser());
		if (user == null) {
			problems.add(
					new Problem(Condition.CACHE_READY, "ACL user " + names.redisUser() + " missing", Repair.RECONCILE));
		}
		else {
			List<String> drift = TenantCacheProvisioner.drift(user, names, seen.redisPasswords().get(tenant.id()),
					seen.acl().tenantCommands());
			if (!drift.isEmpty()) {
				problems.add(new Problem(Condition.CACHE_READY,
						"ACL user " + user.name() + " drifted: " + String.join("; ", drift), Repair.RECONCILE));
			}
		}
		return new Verdict(tenant.id(), problems.isEmpty() ? State.HEALTHY : State.DEGRADED, List.copyOf(problems));
	}

	/**
	 * The condition a secret belongs to: the part of the tenant that cannot be checked or
	 * restored without it.
	 */
	private static String conditionOf(String secret) {
		return switch (secret) {
			case TenantSecrets.DATABASE_PASSWORD -> Condition.DATABASE_READY;
			case TenantSecrets.REDIS_PASSWORD -> Condition.CACHE_READY;
			default -> Condition.CONTAINER_READY;
		};
	}

	private static List<Orphan> orphans(Observation seen) {
		Set<String> liveIds = new HashSet<>();
		Set<String> liveNames = new HashSet<>();
		for (Tenant tenant : seen.tenants()) {
			if (live(tenant)) {
				liveIds.add(tenant.id());
				liveNames.add(tenant.names().databaseRole());
			}
		}
		List<Orphan> orphans = new ArrayList<>();
		for (ManagedContainer container : seen.containers()) {
			String own = new TenantNames(container.tenant()).containerName();
			boolean expected = liveIds.contains(container.tenant())
					&& (own.equals(container.name()) || seen.upgrading().contains(container.tenant())
							&& (own + ContainerSpecs.CANDIDATE_SUFFIX).equals(container.name()));
			if (!expected) {
				orphans.add(new Orphan(ResourceKind.CONTAINER, container.name(), container.tenant()));
			}
		}
		seen.catalog()
			.roles()
			.values()
			.stream()
			.filter(role -> !liveNames.contains(role.name()))
			.forEach(role -> orphans.add(new Orphan(ResourceKind.DATABASE_ROLE, role.name(),
					DatabaseCatalog.markedFor(role.mark()).orElse(null))));
		seen.catalog()
			.schemas()
			.values()
			.stream()
			.filter(schema -> !liveNames.contains(schema.name()))
			.forEach(schema -> orphans.add(new Orphan(ResourceKind.DATABASE_SCHEMA, schema.name(),
					DatabaseCatalog.markedFor(schema.mark()).orElse(null))));
		seen.acl()
			.users()
			.stream()
			.filter(user -> user.name().startsWith(TenantNames.PREFIX) && !liveNames.contains(user.name()))
			.forEach(user -> orphans.add(new Orphan(ResourceKind.REDIS_USER, user.name(), null)));
		// by the kind as shown (container, database-role, ...), then the name
		orphans.sort(java.util.Comparator.comparing((Orphan o) -> o.kind().id()).thenComparing(Orphan::name));
		return orphans;
	}

}
