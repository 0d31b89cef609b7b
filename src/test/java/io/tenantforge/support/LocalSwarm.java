package io.tenantforge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single-node swarm on the machine's own engine
 * ({@code docker swarm init --advertise-addr 127.0.0.1}), for the tests of the swarm
 * driver. The swarm is left as found: {@link #close()} leaves it only when
 * {@link #join()} made it, also when the test failed (and a JVM shutdown hook does the
 * same if the run is killed).
 */
public final class LocalSwarm implements AutoCloseable {

	private final boolean created;

	private final Thread leaveOnExit;

	private LocalSwarm(boolean created) {
		this.created = created;
		this.leaveOnExit = new Thread(LocalSwarm::leave, "local-swarm-leave");
		if (created) {
			Runtime.getRuntime().addShutdownHook(leaveOnExit);
		}
	}

	/**
	 * The machine's engine as a swarm manager: the one it is in already, or a new
	 * single-node swarm.
	 */
	public static LocalSwarm join() {
		String state = docker("info", "--format", "{{.Swarm.LocalNodeState}}").strip();
		if ("active".equals(state)) {
			return new LocalSwarm(false);
		}
		docker("swarm", "init", "--advertise-addr", "127.0.0.1");
		return new LocalSwarm(true);
	}

	/**
	 * Runs the docker CLI against the machine's engine; its output, or an exception
	 * saying why it failed.
	 */
	public static String docker(String... arguments) {
		List<String> command = new ArrayList<>(List.of("docker"));
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			process.getOutputStream().close();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException(
						String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8));
			}
			return new String(output, StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	private static void leave() {
		try {
			docker("swarm", "leave", "--force");
		}
		catch (RuntimeException alreadyGone) {
			// nothing to leave
		}
	}

	@Override
	public void close() {
		if (created) {
			leave();
			Runtime.getRuntime().removeShutdownHook(leaveOnExit);
		}
	}

}
