package io.tenantforge.tenant;

/**
 * What a sweep (the fleet's, the router's) did about one orphan: one type per outcome;
 * {@link #describe()} is the report's {@code action}. Only {@link Removed} removed
 * anything.
 */
public sealed interface OrphanAction {

	String describe();

	/** The ownership record does not have it: never removed. */
	record NotRecorded() implements OrphanAction {
		@Override
		public String describe() {
			return "reported; never removed: the ownership record does not have it";
		}
	}

	/**
	 * The record gives it to a live tenant, or to one whose resource of that kind has
	 * another name.
	 */
	record NotTheOwners(String owner) implements OrphanAction {
		@Override
		public String describe() {
			return "reported; never removed: the ownership record names tenant " + owner
					+ ", whose resource this is not";
		}
	}

	/** Removal is off ({@code tenantforge.sweep.remove-orphans}). */
	record RemovalOff() implements OrphanAction {
		@Override
		public String describe() {
			return "reported (tenantforge.sweep.remove-orphans is off)";
		}
	}

	/**
	 * The owner's lock is held (a reconcile of that tenant runs): left for a later sweep.
	 */
	record OwnerBusy(String owner) implements OrphanAction {
		@Override
		public String describe() {
			return "reported; not removed now: tenant " + owner + " is being reconciled";
		}
	}

	/**
	 * Under the owner's lock, the re-check found it no longer an orphan: the owner is
	 * live again, or the record no longer gives it to the owner.
	 */
	record NoLongerOrphan(String owner) implements OrphanAction {
		@Override
		public String describe() {
			return "reported; not removed: under the lock of tenant " + owner + " it is no longer an orphan";
		}
	}

	/** A kind the sweep does not remove (e.g. a Swarm network): left for an operator. */
	record NotRemovable(ResourceKind kind) implements OrphanAction {
		@Override
		public String describe() {
			return "reported; the sweep removes no " + kind;
		}
	}

	record Removed() implements OrphanAction {
		@Override
		public String describe() {
			return "removed";
		}
	}

	record RemovalFailed(String message) implements OrphanAction {
		@Override
		public String describe() {
			return "removal failed: " + message;
		}
	}

}
