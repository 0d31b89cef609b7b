package io.tenantforge.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.util.FileSystemUtils;

/**
 * A real external Apache Artemis broker (the Maven Central distribution), made and
 * secured by {@code scripts/external-broker.sh} exactly as an operator would, run as its
 * own process on 127.0.0.1. Users: {@code broker-admin}, {@code tenantforge} (the control
 * plane, with {@link ControlPlaneProcess}'s broker password), {@code orders} (producer)
 * and {@code operator}, with the passwords of {@link OutsideBroker}.
 */
public final class ExternalBroker implements AutoCloseable {

	public static final int PORT = 61721;

	public static final String URL = "tcp://127.0.0.1:" + PORT;

	private static final Path DIR = ControlPlaneProcess.WORK_DIR.resolve("external-broker");

	private Process process;

	private ExternalBroker(Process process) {
		this.process = process;
	}

	/**
	 * Creates a fresh broker instance and runs it; returns once it accepts connections.
	 */
	public static ExternalBroker start() {
		try {
			ProcessBuilder create = new ProcessBuilder("bash", "scripts/external-broker.sh", "create", DIR.toString(),
					Integer.toString(PORT))
				.inheritIO();
			create.environment().put("BROKER_ADMIN_PASSWORD", OutsideBroker.ADMIN_PASSWORD);
			create.environment().put("TENANTFORGE_BROKER_PASSWORD", ControlPlaneProcess.BROKER_PASSWORD);
			create.environment().put("BROKER_PRODUCER_PASSWORD", OutsideBroker.PRODUCER_PASSWORD);
			create.environment().put("BROKER_OPERATOR_PASSWORD", OutsideBroker.OPERATOR_PASSWORD);
			int exit = create.start().waitFor();
			if (exit != 0) {
				throw new IllegalStateException("scripts/external-broker.sh create exited with " + exit);
			}
			return new ExternalBroker(run());
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start the external broker", e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

	/** Runs the instance in {@link #DIR} and waits until it accepts connections. */
	private static Process run() throws IOException {
		Process run = new ProcessBuilder("bash", "scripts/external-broker.sh", "run", DIR.toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(DIR.resolve("broker.log").toFile()))
			.start();
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
				if (!run.isAlive()) {
					throw new IllegalStateException("the external broker exited; see " + DIR.resolve("broker.log"));
				}
				return listening();
			});
		}
		catch (RuntimeException notUp) {
			run.descendants().forEach(ProcessHandle::destroyForcibly);
			run.destroyForcibly();
			throw notUp;
		}
		return run;
	}

	/**
	 * Kills the broker (SIGKILL, as a crash would) and starts it again on the same
	 * journal.
	 */
	public void restart() {
		kill();
		try {
			process = run();
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start the external broker again", e);
		}
	}

	private void kill() {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !process.isAlive() && process.descendants().noneMatch(ProcessHandle::isAlive));
	}

	private static boolean listening() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", PORT), 500);
			return true;
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * Stops the broker (and the JVM its script started) and removes its instance folder
	 * and journal.
	 */
	@Override
	public void close() {
		kill();
		FileSystemUtils.deleteRecursively(DIR.toFile());
	}

}
