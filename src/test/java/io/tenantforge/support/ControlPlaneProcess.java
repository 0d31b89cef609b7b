package io.tenantforge.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The packaged control plane ({@code target/*.jar}) run as a process of its own, as an
 * operator runs it, so a test can kill it with SIGKILL and start it again. It uses its
 * own databases, broker port, folders and port range.
 */
public final class ControlPlaneProcess implements AutoCloseable {

	public static final int HTTP_PORT = 18080;

	public static final String BROKER_URL = "tcp://127.0.0.1:61618";

	/** The control plane's own broker password (its broker user: {@code tenantforge}). */
	public static final String BROKER_PASSWORD = "process-broker-password";

	/**
	 * bcrypt (cost 4) of {@link OutsideBroker#PRODUCER_PASSWORD}, as in the test profile.
	 */
	private static final String PRODUCER_HASH = "{bcrypt}$2a$04$JSu.4JTkQ18O2nD9c3nVQO3HSos581uyif/7aBVf7jP.ZMLvv6/wi";

	public static final String CONTROL_PLANE_DB = "jdbc:postgresql://127.0.0.1:5432/tenantforge_process";

	public static final String TENANTS_DB = "jdbc:postgresql://127.0.0.1:5432/tenantforge_process_tenants";

	public static final Path WORK_DIR = Path.of("target/process").toAbsolutePath();

	private static final String ADMIN_PASSWORD = "process-admin-password";

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Process process;

	private final int httpPort;

	private final Path log;

	/** Where this run's output starts in the shared log file. */
	private final long logOffset;

	private ControlPlaneProcess(Process process, int httpPort, Path log, long logOffset) {
		this.process = process;
		this.httpPort = httpPort;
		this.log = log;
		this.logOffset = logOffset;
	}

	/**
	 * Starts the jar with the process-test settings plus {@code extraArguments}; returns
	 * once it is ready.
	 */
	public static ControlPlaneProcess start(String... extraArguments) {
		return startNode(0, extraArguments);
	}

	/**
	 * Starts node {@code node} (0, 1, …) of a cluster on the same databases: its own HTTP
	 * port ({@value #HTTP_PORT} + node), broker port, broker journal and log file;
	 * returns once it is ready.
	 */
	public static ControlPlaneProcess startNode(int node, String... extraArguments) {
		int httpPort = HTTP_PORT + node;
		String brokerUrl = node == 0 ? BROKER_URL : "tcp://127.0.0.1:" + (61618 + 3 * node);
		String suffix = node == 0 ? "" : "-" + node;
		Path log = WORK_DIR.resolve("control-plane" + suffix + ".log");
		String jar = System.getProperty("tenantforge.jar");
		if (jar == null || !Files.exists(Path.of(jar))) {
			throw new IllegalStateException("the packaged control plane is missing (" + jar + "): run ./mvnw verify");
		}
		List<String> command = new ArrayList<>(List.of("java", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar,
				"--server.port=" + httpPort, "--spring.datasource.url=" + CONTROL_PLANE_DB,
				"--tenantforge.database.url=" + TENANTS_DB,
				"--spring.artemis.embedded.data-directory=" + WORK_DIR.resolve("artemis" + suffix),
				"--tenantforge.intake.broker-acceptor=" + brokerUrl + "?protocols=CORE,AMQP,STOMP",
				"--tenantforge.intake.orders-dir=" + WORK_DIR.resolve("orders"),
				"--tenantforge.runtime.secrets-dir=" + WORK_DIR.resolve("secrets"),
				"--tenantforge.database.archive-dir=" + WORK_DIR.resolve("archive"),
				"--tenantforge.backup.dir=" + WORK_DIR.resolve("backups"),
				// scheduled backups stay out of the process tests' way (as the sweep's
				// schedule does in-process)
				"--tenantforge.backup.schedule-cron=0 0 0 1 1 ? 2099", "--tenantforge.runtime.port-range-start=22000",
				"--tenantforge.runtime.port-range-end=22999", "--tenantforge.provisioning.resync-interval=1000",
				// the test profile's producer, so tests send orders as OutsideBroker does
				"--tenantforge.broker.users[0].name=" + OutsideBroker.PRODUCER,
				"--tenantforge.broker.users[0].role=producer",
				"--tenantforge.broker.users[0].password-hash=" + PRODUCER_HASH));
		// the sweep's schedule too, unless the test is about it: a scheduled sweep that
		// sees a drift first hands the tenant to the reconciler, and the manual sweep the
		// test then asks for reports it as reconciling (SwarmLifecycleIT lost this race
		// once, at the 30 s mark). A property given twice on the command line is joined
		// with a comma, so the default is added only when the test names no schedule.
		if (Stream.of(extraArguments).noneMatch(a -> a.startsWith("--tenantforge.sweep.cron="))) {
			command.add("--tenantforge.sweep.cron=0 0 0 1 1 ? 2099");
		}
		command.addAll(List.of(extraArguments));
		try {
			Files.createDirectories(WORK_DIR);
			long offset = Files.exists(log) ? Files.size(log) : 0;
			// the project folder, as an operator starts it: ./config/ is read from there
			ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.environment().put("TENANTFORGE_ADMIN_PASSWORD", ADMIN_PASSWORD);
			builder.environment().put("TENANTFORGE_BROKER_PASSWORD", BROKER_PASSWORD);
			builder.environment().put("TENANTFORGE_SECRET_KEY", "cHJvY2Vzcy10ZXN0LWtleS0zMi1ieXRlcy1sb25nISE=");
			ControlPlaneProcess started = new ControlPlaneProcess(builder.start(), httpPort, log, offset);
			try {
				started.awaitReady();
			}
			catch (RuntimeException | Error notReady) {
				started.close(); // never leave a half-started control plane holding the
									// ports
				throw notReady;
			}
			return started;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot start the control plane", e);
		}
	}

	private void awaitReady() {
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!process.isAlive()) {
				throw new IllegalStateException(
						"the control plane exited with " + process.exitValue() + "; see " + log);
			}
			return send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).GET(), null, false)
				.map(r -> r.statusCode() == 200)
				.orElse(false);
		});
	}

	/**
	 * Waits until this run of the control plane has logged a line containing
	 * {@code text}.
	 */
	public void awaitLog(String text, Duration atMost) {
		await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
			try (var channel = Files.newByteChannel(log)) {
				channel.position(logOffset);
				byte[] rest = java.nio.channels.Channels.newInputStream(channel).readAllBytes();
				return new String(rest, StandardCharsets.UTF_8).contains(text);
			}
		});
	}

	public long pid() {
		return process.pid();
	}

	/** SIGKILL: no shutdown hook, no graceful stop, as in a crash. */
	public void kill() {
		process.destroyForcibly();
		try {
			process.waitFor();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		// stopped as an operator stops it (SIGTERM): it leaves the cluster (its
		// control_planes row), so the next
		// test's control plane, with other tiers, is not refused as a second catalogue;
		// killed if it hangs
		if (process.isAlive()) {
			process.destroy();
			try {
				if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
					kill();
				}
			}
			catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				kill();
			}
		}
	}

	/** GET of an API path as admin; empty when the control plane does not answer. */
	public java.util.Optional<HttpResponse<String>> get(String path) {
		return send(HttpRequest.newBuilder(uri(path)).GET(), null, true);
	}

	public HttpResponse<String> post(String path, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body)), body, true).orElseThrow();
	}

	public HttpResponse<String> patch(String path, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		return send(HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)), body, true).orElseThrow();
	}

	public HttpResponse<String> delete(String path) {
		return send(HttpRequest.newBuilder(uri(path)).DELETE(), null, true).orElseThrow();
	}

	public String status(String tenant) {
		return get("/api/v1/tenants/" + tenant).filter(r -> r.statusCode() == 200)
			.map(r -> r.body().replaceAll(".*?\"status\":\"([A-Z]+)\".*", "$1"))
			.orElse("");
	}

	/** A purge wired to the services as this process sees them. */
	public static ServicePurge purge() {
		DriverManagerDataSource controlPlane = new DriverManagerDataSource(CONTROL_PLANE_DB, "postgres", "");
		DriverManagerDataSource tenants = new DriverManagerDataSource(TENANTS_DB, "postgres", "");
		var redis = RedisClient.create(RedisURI.create("127.0.0.1", 6379)).connect().sync();
		ensureDatabase(CONTROL_PLANE_DB);
		ensureDatabase(TENANTS_DB);
		return new ServicePurge(docker(), controlPlane, tenants, redis, WORK_DIR.resolve("secrets"));
	}

	/** The machine's Docker engine, as the process sees it. */
	public static DockerClient docker() {
		return DockerClientImpl.getInstance(
				DefaultDockerClientConfig.createDefaultConfigBuilder()
					.withDockerHost("unix:///var/run/docker.sock")
					.build(),
				new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix:///var/run/docker.sock")).build());
	}

	private static void ensureDatabase(String url) {
		DatabaseBootstrap.ensureDatabaseExists(url, "postgres", "");
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + httpPort + path);
	}

	/** The control plane's own database, as the process sees it. */
	public static org.springframework.jdbc.core.JdbcTemplate controlPlaneDatabase() {
		return new org.springframework.jdbc.core.JdbcTemplate(
				new DriverManagerDataSource(CONTROL_PLANE_DB, "postgres", ""));
	}

	/**
	 * Sends the request; an answer is held to the API's contract
	 * ({@link ContractValidator}).
	 */
	private static java.util.Optional<HttpResponse<String>> send(HttpRequest.Builder request, byte[] body,
			boolean authenticated) {
		if (authenticated) {
			request.header("Authorization", "Basic "
					+ Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
		}
		try {
			HttpRequest sent = request.timeout(Duration.ofSeconds(5)).build();
			HttpResponse<String> response = HTTP.send(sent, HttpResponse.BodyHandlers.ofString());
			ContractValidator.check(sent, body, response);
			return java.util.Optional.of(response);
		}
		catch (IOException e) {
			return java.util.Optional.empty();
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return java.util.Optional.empty();
		}
	}

}
