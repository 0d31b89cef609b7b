package io.tenantforge.health;

import java.util.List;

import io.tenantforge.tenant.ResourceKind;

/** The health sweep's verdict on the whole fleet, before it acts. */
record FleetAssessment(List<Verdict> verdicts, List<Orphan> orphans) {

	/** Where a tenant stands for the sweep. */
	public enum State {

		/** Settled ACTIVE and every part as the reconciler left it. */
		HEALTHY,
		/** Settled ACTIVE, but a part is missing, drifted or failing. */
		DEGRADED,
		/** Suspended on purpose: left alone. */
		SUSPENDED,
		/**
		 * A new generation is under way: the reconciler has it, the sweep does not
		 * interfere.
		 */
		RECONCILING,
		/** Failed for good: waits for an operator. */
		FAILED

	}

	/**
	 * What repairs a problem: the reconciler recreates or resets missing and drifted
	 * parts; a restart revives a sick container; a fault in the tenant's own data (a
	 * secret that will not decrypt) needs an operator.
	 */
	public enum Repair {

		RECONCILE, RESTART, OPERATOR

	}

	/** One thing wrong with a tenant, attributed to one of its conditions. */
	public record Problem(String condition, String message, Repair repair) {
	}

	public record Verdict(String tenantId, State state, List<Problem> problems) {

		public boolean needs(Repair repair) {
			return problems.stream().anyMatch(p -> p.repair() == repair);
		}

	}

	/**
	 * A resource that looks like tenantforge's but belongs to no live tenant.
	 *
	 * @param kind container, database-role, database-schema, redis-user (Swarm also
	 * swarm-secret, swarm-network)
	 * @param claimedBy the tenant its label or mark names, if any (not proof of
	 * ownership: the ledger is)
	 */
	public record Orphan(ResourceKind kind, String name, String claimedBy) {
	}

}
