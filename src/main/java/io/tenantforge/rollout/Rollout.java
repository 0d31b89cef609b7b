package io.tenantforge.rollout;

import java.time.Instant;
import java.util.List;

/** A rollout as recorded (table {@code rollouts}). */
record Rollout(long id, String image, String schemaVersion, List<String> waves, int maxUnavailable,
		int failureThreshold, String canaryRule, State state, String reason, int currentWave, Instant createdAt,
		Instant updatedAt, Instant finishedAt) {

	/** RUNNING and PAUSED are active (one at a time); the others are final. */
	enum State {

		RUNNING, PAUSED, COMPLETED, HALTED, ABORTED

	}

	/**
	 * Where one tenant of a rollout stands. Each step is written before its effect, so a
	 * control plane started after a crash knows what may have happened and repeats it
	 * (every step is safe to repeat) or undoes it.
	 */
	enum Step {

		/** Not touched yet. */
		PENDING,
		/** Applying the tenant migrations up to the target (as the tenant role). */
		MIGRATING,
		/** Starting the new container beside the old one, on the candidate port. */
		STARTING,
		/** Waiting for the new container's /health with the tenant's identity proof. */
		PROBING,
		/** Switching the tenant's port and the router's upstream to the new container. */
		SWITCHING,
		/**
		 * Draining and removing the old container; the new one takes the tenant's
		 * container name.
		 */
		RETIRING,
		/** On the new version. */
		DONE,
		/** Failed: back on the old container and version, held with the reason. */
		FAILED,
		/**
		 * Left alone: no longer to be ACTIVE when its turn came, or the rollout was
		 * aborted first.
		 */
		SKIPPED;

		boolean finished() {
			return this == DONE || this == FAILED || this == SKIPPED;
		}

	}

	/** One tenant of a rollout (table {@code rollout_tenants}). */
	record Entry(long rolloutId, String tenantId, int wave, int position, Step step, String fromImage,
			String fromSchema, Integer fromPort, Integer candidatePort, String reason, Instant updatedAt) {
	}

}
