package io.tenantforge.support;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Stops and starts the machine's PostgreSQL cluster (Debian's pg_ctlcluster; needs root,
 * as in CI).
 */
public final class LocalPostgres {

	private LocalPostgres() {
	}

	public static void stop() {
		cluster("stop", "-m", "fast");
		await().atMost(Duration.ofSeconds(30)).until(() -> !ready());
	}

	public static void start() {
		if (!ready()) {
			cluster("start");
		}
		await().atMost(Duration.ofSeconds(60)).until(LocalPostgres::ready);
	}

	private static boolean ready() {
		return run("pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432") == 0;
	}

	private static void cluster(String... action) {
		String[] versions = new File("/etc/postgresql").list();
		if (versions == null || versions.length == 0) {
			throw new IllegalStateException("no PostgreSQL cluster under /etc/postgresql");
		}
		Arrays.sort(versions);
		String[] command = new String[4 + action.length];
		command[0] = "pg_ctlcluster";
		command[1] = "--skip-systemctl-redirect";
		command[2] = versions[versions.length - 1];
		command[3] = "main";
		System.arraycopy(action, 0, command, 4, action.length);
		int exit = run(command);
		if (exit != 0 && !(action[0].equals("start") && ready())) {
			throw new IllegalStateException(String.join(" ", command) + " exited " + exit);
		}
	}

	private static int run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return -1;
			}
			return process.exitValue();
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot run " + command[0], e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

}
