package io.tenantforge.backup;

/** How far a restore got: the last step done, in order; then how it ended. */
public enum RestorePhase {

	/**
	 * Recorded; the backup's keys are being written under the restore's staging prefix.
	 */
	STAGING,
	/** Every key staged, the staging marker set. */
	STAGED,
	/** The live schema renamed to its parked name. */
	PARKED,
	/** The backup's schema restored under the tenant's name (one transaction). */
	RESTORED,
	/**
	 * The staged keys swapped in (one script): the commit point; from here on a restore
	 * only goes forward.
	 */
	SWAPPED,
	/** Finished: the tenant has the backup's data. */
	DONE,
	/** Undone: the tenant has exactly its data from before. */
	UNDONE,
	/** Neither could be done (the reason says why): an operator must look. */
	STUCK;

	public boolean finished() {
		return this == DONE || this == UNDONE || this == STUCK;
	}

}
