package io.tenantforge.tenant;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant as the control plane records it: the desired spec (name, tier, desired state,
 * generation) and what was last observed (status, conditions, observed generation).
 *
 * @param attempts failed reconciles of the current generation
 * @param generationChangedAt when the current generation was asked for: the reconcile
 * deadline counts from here
 * @param activatedAt when the tenant was first ACTIVE; null while it never was (a failure
 * then rolls back)
 */
public record Tenant(String id, String name, String tier, DesiredState desiredState, TenantStatus status,
		long generation, long observedGeneration, Integer port, List<Condition> conditions, String orderId,
		int attempts, Instant generationChangedAt, Instant activatedAt, Instant createdAt, Instant updatedAt) {

	public Tenant {
		conditions = List.copyOf(conditions);
	}

	/**
	 * A tenant known only by its id, e.g. the former owner of an orphan: enough to name
	 * and remove what it owned.
	 */
	public static Tenant former(String id) {
		return new Tenant(id, id, null, DesiredState.DELETED, TenantStatus.DELETED, 0, 0, null, List.of(), null, 0,
				null, null, null, null);
	}

	public TenantNames names() {
		return new TenantNames(id);
	}

	public Optional<Condition> condition(String type) {
		return conditions.stream().filter(c -> c.type().equals(type)).findFirst();
	}

	/**
	 * The conditions with {@code changed} replacing the one of its type; the transition
	 * time kept if unchanged.
	 */
	public List<Condition> withCondition(Condition changed) {
		List<Condition> result = new ArrayList<>();
		boolean replaced = false;
		for (Condition existing : conditions) {
			if (existing.type().equals(changed.type())) {
				boolean same = existing.status().equals(changed.status());
				result.add(same ? new Condition(changed.type(), changed.status(), changed.reason(), changed.message(),
						existing.lastTransitionTime()) : changed);
				replaced = true;
			}
			else {
				result.add(existing);
			}
		}
		if (!replaced) {
			result.add(changed);
		}
		return result;
	}

	/** This tenant with other conditions. */
	public Tenant withConditions(List<Condition> changed) {
		return new Tenant(id, name, tier, desiredState, status, generation, observedGeneration, port, changed, orderId,
				attempts, generationChangedAt, activatedAt, createdAt, updatedAt);
	}

	/** This tenant with the port its container serves on. */
	public Tenant withPort(int assigned) {
		return new Tenant(id, name, tier, desiredState, status, generation, observedGeneration, assigned, conditions,
				orderId, attempts, generationChangedAt, activatedAt, createdAt, updatedAt);
	}

	public Optional<String> endpoint() {
		return Optional.ofNullable(port).map(p -> "http://127.0.0.1:" + p);
	}

}
