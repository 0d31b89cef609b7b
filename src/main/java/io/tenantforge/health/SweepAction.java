package io.tenantforge.health;

/**
 * What the sweep did about one degraded tenant: one type per outcome, so the sweep counts
 * its repairs by type, never by the wording of a message. {@link #describe()} is the
 * report's {@code action}.
 */
sealed interface SweepAction {

	String describe();

	/**
	 * The reconciler was asked to repair the tenant (a new repair request on its
	 * generation).
	 */
	record HandedToReconciler() implements SweepAction {
		@Override
		public String describe() {
			return "handed to the reconciler";
		}
	}

	/**
	 * A repair was due, but the tenant changed between the observation and the request:
	 * the reconciler has it.
	 */
	record ChangedMeanwhile() implements SweepAction {
		@Override
		public String describe() {
			return "none: the tenant changed meanwhile";
		}
	}

	/** The reconciler would fail on the same data and a restart cannot mend it. */
	record LeftForOperator() implements SweepAction {
		@Override
		public String describe() {
			return "none: left for an operator";
		}
	}

	/** Failing, but for less than {@code restart-after}: watched, not yet restarted. */
	record Watching(long failingSeconds, long restartAfterSeconds) implements SweepAction {
		@Override
		public String describe() {
			return "watching: failing for " + failingSeconds + " s; restart after " + restartAfterSeconds + " s";
		}
	}

	/**
	 * The container was restarted: the {@code count}th restart of {@code budget} within
	 * the window.
	 */
	record Restarted(int count, int budget, long windowMinutes) implements SweepAction {
		@Override
		public String describe() {
			return "restarted (" + count + " of " + budget + " within " + windowMinutes + " min)";
		}
	}

	/** A restart was due but the restart budget refused it. */
	record RestartRefused(String refusal) implements SweepAction {
		@Override
		public String describe() {
			return "none: " + refusal;
		}
	}

	/** The action itself failed; the other tenants' actions go on. */
	record Failed(String message) implements SweepAction {
		@Override
		public String describe() {
			return "failed: " + message;
		}
	}

}
