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
 * The router as child processes of the control plane
 * ({@code tenantforge.routing.process.managed=true}): two Caddy processes, the edge (the
 * TLS listener; its data folder is {@code data-dir}, with the certificates and the
 * internal CA under {@code storage/}) and the routes' Caddy (the tenants' routes, on a
 * unix socket; {@code data-dir/routes}), see {@link CaddyGateway#ensureEdge}. Each is
 * started with a bootstrap config that holds nothing but its admin endpoint and storage
 * folder (everything else comes through the admin API), and stopped with the control
 * plane. A Caddy left behind by a control plane that was killed is found by its pid file
 * and stopped before a new one starts. Caddy is started without {@code --resume}: a
 * restarted router has no routes until the control plane gives them back (the sweep
 * does).
 */
@Component
public class CaddyProcess implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(CaddyProcess.class);

	private static final Duration READY_WITHIN = Duration.ofSeconds(15);

	private final RoutingProperties settings;

	private final CaddyGateway gateway;

	private final ObjectMapper json;

	private final Child edge;

	private final Child routes;

	CaddyProcess(RoutingProperties settings, CaddyGateway gateway, ObjectMapper json) {
		this.settings = settings;
		this.gateway = gateway;
		this.json = json;
		Path dir = settings.process().dataDir().toAbsolutePath();
		this.edge = new Child("edge", dir, settings.edgeAdminListen());
		this.routes = new Child("routes", dir.resolve("routes"), settings.adminListen());
	}

	private boolean managed() {
		return settings.enabled() && settings.process().managed();
	}

	/**
	 * Starts the edge and the routes' Caddy (if this control plane runs them and they are
	 * not running) and gives them their config.
	 */
	@Override
	public synchronized void start() {
		if (!managed() || (edge.running() && routes.running())) {
			return;
		}
		try {
			edge.start();
			routes.start();
			Instant deadline = Instant.now().plus(READY_WITHIN);
			while (!gateway.reachable()) {
				if (!edge.running() || !routes.running() || Instant.now().isAfter(deadline)) {
					throw new IllegalStateException("the router did not answer on " + settings.adminUrl() + " and "
							+ settings.edgeAdminUrl() + " within " + READY_WITHIN.toSeconds() + " s; see " + edge.log()
							+ " and " + routes.log());
				}
				java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
			}
			gateway.ensureServer();
		}
		catch (RuntimeException notReady) {
			stop(); // never leave a half-started router behind
			throw notReady;
		}
		log.info("Router started: edge pid {} (admin {}, tenants on {}:{}), routes pid {} (admin {}, {})",
				edge.pid().orElse(-1L), settings.edgeAdminUrl(), settings.listenAddress(), settings.listenPort(),
				routes.pid().orElse(-1L), settings.adminUrl(), settings.routesSocket());
	}

	/**
	 * Starts again whichever of the two Caddy processes this control plane runs has died
	 * (the route sweep calls it before it looks at the routes); true when one had.
	 */
	public synchronized boolean restartIfDied() {
		if (!managed() || (edge.running() && routes.running())) {
			return false;
		}
		log.warn("Router: {} died; starting it again", !edge.running() && !routes.running() ? "both Caddy processes"
				: !edge.running() ? "the edge" : "the routes' Caddy");
		start();
		return true;
	}

	@Override
	public synchronized void stop() {
		routes.stop();
		edge.stop();
	}

	@Override
	public boolean isRunning() {
		return edge.running() || routes.running();
	}

	/**
	 * The process id of the routes' Caddy (the one holding the tenants' routes), if this
	 * control plane runs it.
	 */
	public Optional<Long> pid() {
		return routes.pid();
	}

	/** The process ids of both Caddy processes this control plane runs. */
	public List<Long> pids() {
		return java.util.stream.Stream.of(edge.pid(), routes.pid()).flatMap(Optional::stream).toList();
	}

	/**
	 * Before the web server and the routes: a reconcile right after start-up finds the
	 * router answering.
	 */
	@Override
	public int getPhase() {
		return 0;
	}

	/** One Caddy process: its folder (bootstrap, pid file, log, storage) and admin. */
	private final class Child {

		private final String name;

		private final Path dir;

		private final String adminListen;

		private volatile Process process;

		Child(String name, Path dir, String adminListen) {
			this.name = name;
			this.dir = dir;
			this.adminListen = adminListen;
		}

		Path log() {
			return dir.resolve("caddy.log");
		}

		void start() {
			if (running()) {
				return;
			}
			try {
				Files.createDirectories(dir.resolve("storage"));
				stopLeftover(dir.resolve("caddy.pid"));
				Path bootstrap = dir.resolve("bootstrap.json");
				Files.writeString(bootstrap, json.writeValueAsString(Map.of("admin", Map.of("listen", adminListen),
						"storage", Map.of("module", "file_system", "root", dir.resolve("storage").toString()))));
				ProcessBuilder builder = new ProcessBuilder(List.of(settings.process().binary(), "run", "--config",
						bootstrap.toString(), "--pidfile", dir.resolve("caddy.pid").toString()))
					.directory(dir.toFile())
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
				// its autosave and any other state stay in the data folder, not in the
				// home of the control plane's user
				builder.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
				builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
				builder.environment().put("HOME", dir.toString());
				process = builder.start();
			}
			catch (IOException e) {
				throw new UncheckedIOException(
						"cannot start the router's " + name + " (" + settings.process().binary() + ")", e);
			}
		}

		void stop() {
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
			CaddyProcess.log.info("Router's {} stopped (Caddy pid {})", name, running.pid());
		}

		boolean running() {
			Process running = process;
			return running != null && running.isAlive();
		}

		Optional<Long> pid() {
			Process running = process;
			return running != null && running.isAlive() ? Optional.of(running.pid()) : Optional.empty();
		}

		/**
		 * Stops a Caddy that a killed control plane left running with this folder: the
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
			String ours = dir.resolve("bootstrap.json").toString();
			if (leftover.isPresent() && leftover.get().info().commandLine().map(c -> c.contains(ours)).orElse(false)) {
				CaddyProcess.log.warn("Stopping the router's {} a previous control plane left running (pid {})", name,
						pid);
				leftover.get().destroy();
				leftover.get().onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
			}
		}

	}

}
