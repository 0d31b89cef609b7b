package io.tenantforge.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tenantforge.cache.AclUser;
import io.tenantforge.cache.TenantCacheProvisioner.AclSnapshot;
import io.tenantforge.database.DatabaseCatalog;
import io.tenantforge.database.DatabaseCatalog.Role;
import io.tenantforge.database.DatabaseCatalog.Schema;
import io.tenantforge.health.FleetAssessment.Orphan;
import io.tenantforge.health.FleetAssessment.Repair;
import io.tenantforge.health.FleetAssessment.State;
import io.tenantforge.health.FleetAssessment.Verdict;
import io.tenantforge.health.FleetClassifier.Observation;
import io.tenantforge.runtime.ManagedContainer;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * The sweep's decisions from one observation of the fleet, without I/O: healthy, degraded
 * (and what repairs it), left alone, and orphans.
 */
@UnitTest
class FleetClassifierTest {

	private static final Tier BASIC = new Tier(0.5, DataSize.ofMegabytes(64), 0.1, DataSize.ofMegabytes(32), 64, 5,
			Duration.ofSeconds(15), Duration.ofSeconds(20), null);

	private static final TierCatalog TIERS = new TierCatalog(Map.of("basic", BASIC));

	private static final String COMMANDS = "+@all -@dangerous -select";

	@Test
	void aSettledTenantWithEveryPartAsProvisionedIsHealthy() {
		FleetAssessment assessment = FleetClassifier.assess(new Fleet().with(active("acme")).observation(), TIERS);

		assertThat(assessment.verdicts()).containsExactly(new Verdict("acme", State.HEALTHY, List.of()));
		assertThat(assessment.orphans()).isEmpty();
	}

	@Test
	void aMissingContainerIsHandedToTheReconciler() {
		Fleet fleet = new Fleet().with(active("acme"));
		fleet.containers.clear();

		Verdict verdict = only(FleetClassifier.assess(fleet.observation(), TIERS));

		assertThat(verdict.state()).isEqualTo(State.DEGRADED);
		assertThat(verdict.problems()).singleElement().satisfies(problem -> {
			assertThat(problem.condition()).isEqualTo(Condition.CONTAINER_READY);
			assertThat(problem.message()).isEqualTo("container tenant-acme missing");
			assertThat(problem.repair()).isEqualTo(Repair.RECONCILE);
		});
	}

	@Test
	void aFailingHealthEndpointIsRepairedByARestart() {
		Fleet fleet = new Fleet().with(active("acme"));
		fleet.probes.put("acme", Optional.of("timed out"));

		Verdict verdict = only(FleetClassifier.assess(fleet.observation(), TIERS));

		assertThat(verdict.needs(Repair.RESTART)).isTrue();
		assertThat(verdict.needs(Repair.RECONCILE)).isFalse();
		assertThat(verdict.problems()).extracting(FleetAssessment.Problem::message)
			.containsExactly("health endpoint failing: timed out");
	}

	@Test
	void aSecretThatWillNotDecryptIsLeftForAnOperator() {
		Fleet fleet = new Fleet().with(active("acme"));
		fleet.unreadable.put("acme", List.of(TenantSecrets.REDIS_PASSWORD));

		Verdict verdict = only(FleetClassifier.assess(fleet.observation(), TIERS));

		assertThat(verdict.needs(Repair.OPERATOR)).isTrue();
		assertThat(verdict.problems().get(0).condition()).isEqualTo(Condition.CACHE_READY);
	}

	@Test
	void driftedLimitsRoleAndAclUserAreEachAttributedToTheirConditionAndReconciled() {
		Fleet fleet = new Fleet().with(active("acme"));
		fleet.limits.put("acme", Optional.of("memory 1 (tier 2)"));
		fleet.roles.put("tenant_acme", new Role("tenant_acme", mark("acme"), true, 99, true));
		fleet.acl.set(0, new AclUser("tenant_acme", false, false, List.of(), List.of("~tenant:acme:*"),
				List.of("&tenant:acme:*"), COMMANDS, false));

		Verdict verdict = only(FleetClassifier.assess(fleet.observation(), TIERS));

		assertThat(verdict.problems()).allMatch(problem -> problem.repair() == Repair.RECONCILE)
			.extracting(FleetAssessment.Problem::condition)
			.containsExactly(Condition.CONTAINER_READY, Condition.DATABASE_READY, Condition.CACHE_READY);
	}

	@Test
	void suspendedFailedAndUnsettledTenantsAreLeftAlone() {
		Fleet fleet = new Fleet().with(tenant("paused", TenantStatus.SUSPENDED, DesiredState.SUSPENDED, 2, 2))
			.with(tenant("broken", TenantStatus.FAILED, DesiredState.ACTIVE, 1, 1))
			.with(tenant("moving", TenantStatus.PROVISIONING, DesiredState.ACTIVE, 3, 2));

		assertThat(FleetClassifier.assess(fleet.observation(), TIERS).verdicts()).containsExactly(
				new Verdict("paused", State.SUSPENDED, List.of()), new Verdict("broken", State.FAILED, List.of()),
				new Verdict("moving", State.RECONCILING, List.of()));
	}

	@Test
	void resourcesOfNoLiveTenantAreOrphansWithTheTenantTheirLabelOrMarkNames() {
		Fleet fleet = new Fleet().with(active("acme")).with(active("gone"));
		fleet.tenants.set(1, tenant("gone", TenantStatus.DELETED, DesiredState.DELETED, 2, 2));

		FleetAssessment assessment = FleetClassifier.assess(fleet.observation(), TIERS);

		assertThat(assessment.verdicts()).extracting(Verdict::tenantId).containsExactly("acme");
		assertThat(assessment.orphans()).containsExactly(new Orphan(ResourceKind.CONTAINER, "tenant-gone", "gone"),
				new Orphan(ResourceKind.DATABASE_ROLE, "tenant_gone", "gone"),
				new Orphan(ResourceKind.DATABASE_SCHEMA, "tenant_gone", "gone"),
				new Orphan(ResourceKind.REDIS_USER, "tenant_gone", null));
	}

	@Test
	void aCandidateContainerIsExpectedOnlyWhileItsTenantIsBeingUpgraded() {
		Fleet fleet = new Fleet().with(active("acme")).with(active("beta"));
		for (String tenant : List.of("acme", "beta")) {
			fleet.containers.add(new ManagedContainer("next-" + tenant, "tenant-" + tenant + "-next", tenant, "running",
					"Up 2 seconds (health: starting)", "host"));
		}
		fleet.upgrading.add("acme");

		FleetAssessment assessment = FleetClassifier.assess(fleet.observation(), TIERS);

		assertThat(assessment.verdicts()).extracting(Verdict::state).containsOnly(State.HEALTHY);
		// beta's upgrade is over (or was never begun): its candidate is a leftover
		assertThat(assessment.orphans())
			.containsExactly(new Orphan(ResourceKind.CONTAINER, "tenant-beta-next", "beta"));
	}

	private static Verdict only(FleetAssessment assessment) {
		assertThat(assessment.verdicts()).hasSize(1);
		return assessment.verdicts().get(0);
	}

	private static String mark(String tenantId) {
		return "managed-by=tenantforge tenant=" + tenantId;
	}

	private static Tenant active(String id) {
		return tenant(id, TenantStatus.ACTIVE, DesiredState.ACTIVE, 1, 1);
	}

	private static Tenant tenant(String id, TenantStatus status, DesiredState desired, long generation, long observed) {
		return new Tenant(id, id, "basic", desired, status, generation, observed, 21001, List.of(), null, 0,
				Instant.now(), Instant.now(), Instant.now(), Instant.now());
	}

	/**
	 * A fleet as one sweep sees it, every part of each added tenant as the reconciler
	 * left it.
	 */
	private static final class Fleet {

		final List<Tenant> tenants = new ArrayList<>();

		final List<ManagedContainer> containers = new ArrayList<>();

		final Map<String, Role> roles = new java.util.LinkedHashMap<>();

		final Map<String, Schema> schemas = new java.util.LinkedHashMap<>();

		final List<AclUser> acl = new ArrayList<>();

		final Map<String, List<String>> unreadable = new java.util.HashMap<>();

		final Map<String, Optional<String>> probes = new java.util.HashMap<>();

		final Map<String, Optional<String>> limits = new java.util.HashMap<>();

		final java.util.Set<String> upgrading = new java.util.HashSet<>();

		Fleet with(Tenant tenant) {
			String name = tenant.names().databaseRole();
			tenants.add(tenant);
			containers.add(new ManagedContainer("id-" + tenant.id(), tenant.names().containerName(), tenant.id(),
					"running", "Up 3 minutes (healthy)", "host"));
			roles.put(name, new Role(name, mark(tenant.id()), true, BASIC.postgresConnectionLimit(), true));
			schemas.put(name, new Schema(name, mark(tenant.id()), name, false, true));
			acl.add(new AclUser(name, true, false, List.of(), List.of("~" + tenant.names().redisPattern()),
					List.of("&" + tenant.names().redisPattern()), COMMANDS, false));
			probes.put(tenant.id(), Optional.empty());
			return this;
		}

		Observation observation() {
			return new Observation(tenants, containers, new DatabaseCatalog(roles, schemas),
					new AclSnapshot(acl, COMMANDS), Map.of(), unreadable, probes, Map.copyOf(limits),
					"tenantforge_tenants", upgrading);
		}

	}

}
