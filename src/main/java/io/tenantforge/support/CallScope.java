package io.tenantforge.support;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * Counts the calls the gateways make, per scope: what the health sweep's report says its
 * observation cost is measured, not computed. Each gateway records every call in its one
 * send method ({@link #record}); the call is counted in the scope the calling thread has
 * entered, and in no other.
 * <p>
 * By thread rather than as the delta of a global counter: reconcilers, rollouts and
 * backups use the same gateways on their own threads while a sweep runs, and a global
 * delta would count their calls as the sweep's. The sweep enters its scope on its own
 * thread and carries it to the threads it hands work to ({@link #carried}, the parallel
 * {@code /health} probes); a thread that enters no scope counts nowhere. Calls a library
 * makes on threads of its own (docker-java's streaming callbacks) are not counted; the
 * sweep's observation makes none.
 */
public final class CallScope {

	private static final ThreadLocal<CallScope> CURRENT = new ThreadLocal<>();

	private final AtomicLongArray counts = new AtomicLongArray(Gateway.values().length);

	/**
	 * Counts one call of {@code gateway} in the calling thread's scope, if it has one.
	 */
	public static void record(Gateway gateway) {
		CallScope scope = CURRENT.get();
		if (scope != null) {
			scope.counts.incrementAndGet(gateway.ordinal());
		}
	}

	/**
	 * {@code task} as it should run on another thread: in the scope the calling thread is
	 * in now (as it is, when none).
	 */
	public static <T> Supplier<T> carried(Supplier<T> task) {
		CallScope scope = CURRENT.get();
		if (scope == null) {
			return task;
		}
		return () -> {
			try (Entered entered = scope.enter()) {
				return task.get();
			}
		};
	}

	/**
	 * Makes this the calling thread's scope until the returned handle is closed (then the
	 * thread is back in the scope it was in); may be entered again later.
	 */
	public Entered enter() {
		CallScope outer = CURRENT.get();
		CURRENT.set(this);
		return () -> {
			if (outer == null) {
				CURRENT.remove();
			}
			else {
				CURRENT.set(outer);
			}
		};
	}

	/** The calls of {@code gateway} counted in this scope so far. */
	public int count(Gateway gateway) {
		return (int) counts.get(gateway.ordinal());
	}

	/** A scope entered on a thread: closing it leaves it. */
	public interface Entered extends AutoCloseable {

		@Override
		void close();

	}

}
