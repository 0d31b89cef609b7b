package io.tenantforge.backup;

/**
 * What to do with a restore that did not run to its end (it failed, or its control plane
 * died), from what is observed now. The Redis swap is the commit point, because it is the
 * one step that is atomic and leaves a trace (its staging marker goes with it): while the
 * marker is there nothing of the tenant's live data has changed except the schema, which
 * is parked and can be brought back; once it is gone, every step before it has happened
 * too, and only the parked schema is left to drop. Either way the tenant ends with the
 * old data or the new, never a mix.
 */
public final class RestoreRecovery {

	private RestoreRecovery() {
	}

	public enum Decision {

		/**
		 * Bring back the parked schema (dropping a restored one in its place), clear the
		 * staged keys.
		 */
		UNDO,
		/** Drop the parked schema, clear any staged leftovers: the restore is done. */
		FINISH,
		/** Neither the live nor the parked schema exists: not decidable here. */
		STUCK

	}

	/**
	 * @param phase the last step recorded
	 * @param liveSchema whether the tenant's schema exists under its own name
	 * @param parkedSchema whether the restore's parked schema exists
	 * @param stagedMarker whether the restore's staging marker is in Redis
	 */
	public static Decision decide(RestorePhase phase, boolean liveSchema, boolean parkedSchema, boolean stagedMarker) {
		if (!liveSchema && !parkedSchema) {
			return Decision.STUCK;
		}
		if (stagedMarker) {
			return parkedSchema ? Decision.UNDO : liveSchema ? Decision.UNDO : Decision.STUCK;
		}
		// no marker: either staging never finished (nothing was parked), or the swap ran
		if (phase == RestorePhase.STAGING) {
			return parkedSchema ? Decision.STUCK : Decision.UNDO;
		}
		return liveSchema ? Decision.FINISH : Decision.STUCK;
	}

}
