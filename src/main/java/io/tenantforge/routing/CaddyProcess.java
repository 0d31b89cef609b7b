package io.tenantforge.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The router as a child process of the control plane
 * ({@code tenantforge.routing.process.managed=true}): started with a bootstrap config
 * that holds nothing but the admin endpoint and the storage folder (everything else comes
 * through the admin API), stopped with the control plane. A Caddy left behind by a
 * control plane that was killed is found by its pid file in the data folder and stopped
 * before a new one starts. Caddy is started without {@code --resume}: a restarted router
 * has no routes until the control plane gives them back (the sweep does).
 */
@Component
public class CaddyProcess implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(CaddyProcess.class);

	private static final Duration READY_WITHIN = Duration.ofSeconds(15);

	private final RoutingProperties settings;

	private final CaddyGateway gateway;

	private final ObjectMapper json;

	private volatile Process process;

	CaddyProcess(RoutingProperties settings, CaddyGateway gateway, ObjectMapper json) {
		this.settings = settings;
		this.gateway = gateway;
		this.json = json;
	}

	private boolean managed() {
		return settings.enabled() && settings.process().managed();
	}

	/**
	 * Starts Caddy (if this control plane runs it and it is not running) and gives it
	 * tenantforge's server.
	 */
	@Override
	public synchronized void start() {
		if (!managed() || running()) {
			return;
		}
		Path dir = settings.process().dataDir().toAbsolutePath();
		try {
			Files.createDirectories(dir.resolve("storage"));
			stopLeftover(dir.resolve("caddy.pid"));
			Path bootstrap = dir.resolve("bootstrap.json");
			Files.writeString(bootstrap,
					json.writeValueAsString(Map.of("admin", Map.of("listen", settings.adminListen()), "storage",
							Map.of("module", "file_system", "root", dir.resolve("storage").toString()))));
			ProcessBuilder builder = new ProcessBuilder(List.of(settings.process().binary(), "run", "--config",
					bootstrap.toString(), "--pidfile", dir.resolve("caddy.pid").toString()))
				.directory(dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("caddy.log").toFile()));
			// its autosave and any other state stay in the data folder, not in the home
			// of the control plane's user
			builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
			builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
			builder.environment().put("HOME", dir.toString());
			process = builder.start();
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start the router (" + settings.process().binary() + ")", e);
		}
		try {
			Instant deadline = Instant.now().plus(READY_WITHIN);
			while (!gateway.reachable()) {
				if (!process.isAlive() || Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("the router did not answer on " + settings.adminUrl() + " within "
							+ READY_WITHIN.toSeconds() + " s; see " + dir.resolve("caddy.log"));
				}
				java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			gateway.ensureServer();
		}
		catch (RuntimeException notReady) {
			stop(); // never leave a half-started router behind
			throw notReady;
		}
		log.info("Router started: Caddy pid {}, admin {}, tenants on {}:{}", process.pid(), settings.adminUrl(),
				settings.listenAddress(), settings.listenPort());
	}

	@Override
	public synchronized void stop() {
		Process running = process;
		if (running == null) {
			return;
		}
		running.destroy();
		try {
			if (!running.waitFor(10, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			running.destroyForcibly();
		}
		process = null;
		log.info("Router stopped (Caddy pid {})", running.pid());
	}

	@Override
	public boolean isRunning() {
		return running();
	}

	private boolean running() {
		return process != null && process.isAlive();
	}

	/** The running Caddy's process id, if this control plane runs one. */
	public Optional<Long> pid() {
		Process running = process;
		return running != null && running.isAlive() ? Optional.of(running.pid()) : Optional.empty();
	}

	/**
	 * Before the web server and the routes: a reconcile right after start-up finds the
	 * router answering.
	 */
	@Override
	public int getPhase() {
		return 0;
	}

	/**
	 * Stops a Caddy that a killed control plane left running with this data folder: the
	 * process its pid file names, only if it is a {@code caddy run} of this folder's
	 * bootstrap config.
	 */
	private void stopLeftover(Path pidFile) throws IOException {
		if (!Files.exists(pidFile)) {
			return;
		}
		String pid = Files.readString(pidFile).strip();
		Files.delete(pidFile);
		if (!pid.matches("[0-9]{1,10}")) {
			return;
		}
		Optional<ProcessHandle> leftover = ProcessHandle.of(Long.parseLong(pid));
		String ours = settings.process().dataDir().toAbsolutePath().resolve("bootstrap.json").toString();
		if (leftover.isPresent() && leftover.get().info().commandLine().map(c -> c.contains(ours)).orElse(false)) {
			log.warn("Stopping the router a previous control plane left running (pid {})", pid);
			leftover.get().destroy();
			leftover.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
		}
	}

}
