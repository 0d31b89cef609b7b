package io.tenantforge.runtime;

import java.util.List;
import java.util.Optional;

import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.Tier;

/**
 * The container resource of a tenant, whatever runs it
 * ({@code tenantforge.runtime.driver}): {@code docker} (one container per tenant on one
 * engine, {@link TenantContainerProvisioner}) or {@code swarm} (one single-replica Swarm
 * service per tenant across a cluster, {@link SwarmDriver}). The reconciler applies and
 * deletes through it, the fleet sweep observes, audits drift and restarts through it;
 * each driver owns its engine calls and classifies their faults once: transient ones as
 * {@code RetryableException}, the rest as {@code StepFailedException}.
 */
public interface TenantRuntime {

	/**
	 * Apply: makes the tenant's container run as its tier says (updated in place on a
	 * tier change); its port.
	 */
	int ensure(Tenant tenant, Tier tier);

	/**
	 * Apply with the image the tenant's version names (the version ledger); {@code image}
	 * null: the configured {@code tenantforge.runtime.image}. A container that exists
	 * keeps its image: only a rollout replaces it.
	 */
	default int ensure(Tenant tenant, Tier tier, String image) {
		return ensure(tenant, tier);
	}

	/**
	 * The lowest tenant schema version the image needs (its label
	 * {@value ContainerSpecs#LABEL_MIN_SCHEMA}), with one image inspect; empty when it
	 * declares none. An image the engine does not have fails the step.
	 */
	default Optional<String> minSchema(String image) {
		throw new io.tenantforge.support.StepFailedException("rollouts need the docker driver");
	}

	/**
	 * A rollout's new container, started beside the tenant's running one: named
	 * {@code <container>}{@value ContainerSpecs#CANDIDATE_SUFFIX}, of {@code image},
	 * serving on {@code port}, labelled like the tenant's; safe to repeat (an existing
	 * candidate of another image or port is replaced).
	 */
	default void startCandidate(Tenant tenant, Tier tier, String image, int port) {
		throw new io.tenantforge.support.StepFailedException("rollouts need the docker driver");
	}

	/**
	 * Removes the rollout's candidate container of the tenant, if there is one; safe to
	 * repeat.
	 */
	default void removeCandidate(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("rollouts need the docker driver");
	}

	/**
	 * The candidate becomes the tenant's container: the old one removed, the candidate
	 * renamed to the tenant's container name. Safe to repeat: with no candidate left,
	 * nothing to do.
	 */
	default void promoteCandidate(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("rollouts need the docker driver");
	}

	/**
	 * Suspend: stops the tenant's container (Swarm: scales to 0); its configuration stays
	 * for resume.
	 */
	void stop(Tenant tenant);

	/**
	 * Delete: removes the container and its secrets, as far as the ownership record gives
	 * them to the tenant.
	 */
	void remove(Tenant tenant);

	/**
	 * Whether the routes make this driver's container calls through Camel's
	 * {@code docker:} endpoints (on the driver's engine, {@link EngineComponent}), with
	 * the driver preparing and finishing them ({@link #toStop}, {@link #toRemove},
	 * {@link #requireGone}, {@link #removeRest}); otherwise through {@link #stop} and
	 * {@link #remove} (a swarm service has no camel-docker operation).
	 */
	default boolean dockerEndpoints() {
		return false;
	}

	/**
	 * Apply, before the route's {@code docker:containerstart}: as
	 * {@link #ensure(Tenant, Tier, String)} without the start: the container exists as
	 * the tier says (created when missing, limits updated in place); its port, and the id
	 * of the container to start when it is not running (null when it runs).
	 */
	default Prepared prepare(Tenant tenant, Tier tier, String image) {
		throw new io.tenantforge.support.StepFailedException("docker: endpoints need the docker driver");
	}

	/** What {@link #prepare} made: the port, and the container to start (or null). */
	record Prepared(int port, String toStart) {
	}

	/**
	 * Suspend, before the route's {@code docker:containerstop}: the id of the tenant's
	 * container if it is the tenant's and running; empty: nothing to stop. One inspect.
	 */
	default Optional<String> toStop(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("docker: endpoints need the docker driver");
	}

	/**
	 * Delete, before the route's {@code docker:containerremove}: the id of the tenant's
	 * container if the ownership record gives it to the tenant and it carries the
	 * tenant's labels; empty: nothing to remove on the engine. One inspect.
	 */
	default Optional<String> toRemove(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("docker: endpoints need the docker driver");
	}

	/**
	 * Delete, after the removal: fails transiently while a container of the tenant (owned
	 * by it) still exists; once it passes, the ownership record may let the name go.
	 */
	default void requireGone(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("docker: endpoints need the docker driver");
	}

	/**
	 * Delete, once the container is gone: the tenant's network and secret files, as far
	 * as the ownership record gives them to the tenant.
	 */
	default void removeRest(Tenant tenant) {
		throw new io.tenantforge.support.StepFailedException("docker: endpoints need the docker driver");
	}

	/**
	 * Observe: every container (service) labelled as tenantforge's, with a fixed number
	 * of engine calls.
	 */
	List<ManagedContainer> listManaged();

	/**
	 * Drift: how the container differs from its tier (limits, reservations; Swarm also
	 * image); empty if as told.
	 */
	Optional<String> limitsDrift(ManagedContainer container, Tier tier);

	/**
	 * Restarts a sick container in place (Swarm: a forced update, which replaces the
	 * task).
	 */
	void restart(ManagedContainer container);

	/**
	 * What the running container uses now; empty when it is not running (or runs on
	 * another node).
	 */
	Optional<Usage> usage(TenantNames names);

	/**
	 * Engine objects labelled as tenantforge's besides the containers (Swarm: secrets and
	 * networks) whose tenant is none of {@code liveTenants}: reported as orphans by the
	 * sweep, never removed by it (the ownership record does not name them). A fixed
	 * number of engine calls.
	 */
	default List<Stray> strays(java.util.Set<String> liveTenants) {
		return List.of();
	}

	/**
	 * An engine object of no live tenant: its kind (e.g. {@code swarm-secret}), name and
	 * tenant label.
	 */
	record Stray(ResourceKind kind, String name, String tenant) {
	}

	/**
	 * Whether containers run on several nodes ({@link ManagedContainer#node()} says
	 * which).
	 */
	default boolean placesOnNodes() {
		return false;
	}

	/** What a running container uses. */
	record Usage(long memoryBytes, long processes) {
	}

}
