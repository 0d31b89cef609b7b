package io.tenantforge.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of the control plane's own executors: daemons (a stopping JVM never waits for
 * them) with a name that says whose they are.
 */
public final class DaemonThreads {

	private DaemonThreads() {
	}

	/** Every thread named {@code name}. */
	public static ThreadFactory named(String name) {
		return task -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/** Threads named {@code prefix} and a number: {@code sweep-probe-1}, … */
	public static ThreadFactory numbered(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return task -> {
			Thread thread = new Thread(task, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
