package io.tenantforge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;

/**
 * A test host made by {@code scripts/test-host.sh}: a network namespace of its own with
 * its own Docker engine, the smoke images built into it from this checkout, optionally
 * its own PostgreSQL and Redis on the namespace's services address. The test reaches it
 * only through the engine's unix socket and commands run inside the namespace
 * ({@link #run}): no address of the machine's own namespace is ever used.
 * {@link #close()} removes it all, and a JVM shutdown hook does the same if the test run
 * is killed before; a leftover of an earlier, killed run is removed before starting.
 */
public final class TestHost implements AutoCloseable {

	private static final Path SCRIPT = Path.of("scripts/test-host.sh").toAbsolutePath();

	private final String name;

	private final Map<String, String> facts;

	private final DockerClient docker;

	private final Thread cleanUpOnExit;

	private final List<Process> background = new ArrayList<>();

	private boolean closed;

	private TestHost(String name, Map<String, String> facts, Thread cleanUpOnExit) {
		this.name = name;
		this.facts = facts;
		this.cleanUpOnExit = cleanUpOnExit;
		var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost()).build();
		var http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.connectionTimeout(Duration.ofSeconds(5))
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		this.docker = DockerClientImpl.getInstance(config, http);
	}

	/**
	 * Starts test host {@code name} ([a-z0-9]{2,12}); with {@code services}, its own
	 * PostgreSQL and Redis too.
	 */
	public static TestHost start(String name, boolean services) {
		return start(name, services, new String[0]);
	}

	/**
	 * As {@link #start(String, boolean)}, with more options of {@code test-host.sh up},
	 * e.g. --node-resource.
	 */
	public static TestHost start(String name, boolean services, String... options) {
		script(Duration.ofSeconds(60), "down", name); // what a killed earlier run left
														// behind
		Thread cleanUp = new Thread(() -> script(Duration.ofSeconds(60), "down", name), "test-host-" + name + "-down");
		Runtime.getRuntime().addShutdownHook(cleanUp);
		String output;
		try {
			// the smoke images built from this checkout: the machine's tag may come from
			// another one
			List<String> up = new ArrayList<>(List.of("up", name, "--build"));
			if (services) {
				up.add("--services");
			}
			up.addAll(List.of(options));
			output = script(Duration.ofSeconds(120), up.toArray(String[]::new));
		}
		catch (RuntimeException e) {
			script(Duration.ofSeconds(60), "down", name);
			Runtime.getRuntime().removeShutdownHook(cleanUp);
			throw e;
		}
		Map<String, String> facts = new LinkedHashMap<>();
		output.lines().filter(l -> l.matches("[A-Z_]+=.*")).forEach(l -> {
			int equals = l.indexOf('=');
			facts.put(l.substring(0, equals), l.substring(equals + 1));
		});
		return new TestHost(name, facts, cleanUp);
	}

	public String name() {
		return name;
	}

	/** The engine's endpoint, e.g. {@code unix:///run/tfhost1/docker.sock}. */
	public String dockerHost() {
		return facts.get("DOCKER_HOST");
	}

	/** A client of the test host's engine (over its unix socket). */
	public DockerClient docker() {
		return docker;
	}

	/**
	 * The address, inside the namespace only, the test host's PostgreSQL and Redis listen
	 * on.
	 */
	public String servicesAddress() {
		return facts.get("SERVICES_ADDRESS");
	}

	public int postgresPort() {
		return Integer.parseInt(facts.get("POSTGRES_PORT"));
	}

	public int redisPort() {
		return Integer.parseInt(facts.get("REDIS_PORT"));
	}

	/**
	 * Runs a command inside the namespace ({@code nsenter --net=}) and returns its exit
	 * code and output.
	 */
	public Result run(Duration timeout, String... command) {
		return run(Map.of(), timeout, command);
	}

	/**
	 * As {@link #run(Duration, String...)}, with more environment variables (how a
	 * command gets a secret without it being on a command line).
	 */
	public Result run(Map<String, String> environment, Duration timeout, String... command) {
		List<String> line = new ArrayList<>(List.of("nsenter", "--net=" + facts.get("NETNS")));
		line.addAll(List.of(command));
		return exec(line, environment, timeout);
	}

	/**
	 * The command that runs {@code main} in a JVM of its own (for {@link #run} inside the
	 * namespace): this JVM's java, the class path made of the code sources of
	 * {@code main} and {@code needed}.
	 */
	public static List<String> javaCommand(Class<?> main, Class<?>... needed) {
		List<Class<?>> types = new ArrayList<>(List.of(needed));
		types.add(0, main);
		List<String> classPath = new ArrayList<>();
		for (Class<?> type : types) {
			try {
				classPath.add(Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
			}
			catch (java.net.URISyntaxException e) {
				throw new IllegalStateException(e);
			}
		}
		String java = ProcessHandle.current().info().command().orElse("java");
		return List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx64m", "-cp", String.join(":", classPath), main.getName());
	}

	/**
	 * Starts a long-running command inside the namespace; it is stopped on
	 * {@link #close()} at the latest.
	 */
	public Process runInBackground(String... command) {
		List<String> line = new ArrayList<>(List.of("nsenter", "--net=" + facts.get("NETNS")));
		line.addAll(List.of(command));
		try {
			Process process = new ProcessBuilder(line).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			background.add(process);
			return process;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/**
	 * Runs a command inside a container of the test host's engine ({@code docker exec}):
	 * its output, both streams.
	 */
	public String execIn(String container, Duration timeout, String... command) {
		String id = docker.execCreateCmd(container)
			.withAttachStdout(true)
			.withAttachStderr(true)
			.withCmd(command)
			.exec()
			.getId();
		java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
		try {
			boolean done = docker.execStartCmd(id).exec(new ResultCallback.Adapter<Frame>() {
				@Override
				public void onNext(Frame frame) {
					output.writeBytes(frame.getPayload());
				}
			}).awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!done) {
				throw new IllegalStateException("docker exec in " + container + " did not end within " + timeout + ": "
						+ output.toString(StandardCharsets.UTF_8));
			}
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
		return output.toString(StandardCharsets.UTF_8);
	}

	/**
	 * The container's log (both streams) as the test host's engine has it: for failure
	 * messages.
	 */
	public String logsOf(String container) {
		java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
		try {
			docker.logContainerCmd(container)
				.withStdOut(true)
				.withStdErr(true)
				.withTail(50)
				.exec(new ResultCallback.Adapter<Frame>() {
					@Override
					public void onNext(Frame frame) {
						output.writeBytes(frame.getPayload());
					}
				})
				.awaitCompletion(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException e) {
			return "(no log: " + e.getMessage() + ")";
		}
		return output.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Joins this test host and {@code other} by a veth pair on
	 * {@code 10.201.<subnet>.0/24}: this one gets {@code .1}, the other {@code .2}
	 * (addresses inside the two namespaces only). The pair goes with either namespace.
	 * @return this host's address and the other's on the link
	 */
	public List<String> link(TestHost other, int subnet) {
		String output = script(Duration.ofSeconds(30), "link", name, other.name, Integer.toString(subnet));
		return List.of(value(output, "LINK_ADDRESS_" + name.toUpperCase(java.util.Locale.ROOT)),
				value(output, "LINK_ADDRESS_" + other.name.toUpperCase(java.util.Locale.ROOT)));
	}

	private static String value(String output, String key) {
		return output.lines()
			.filter(l -> l.startsWith(key + "="))
			.map(l -> l.substring(key.length() + 1))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("no " + key + " in " + output));
	}

	/**
	 * Stops the engine, PostgreSQL and Redis, removes the namespace and every data
	 * directory.
	 */
	@Override
	public synchronized void close() {
		if (closed) {
			return;
		}
		closed = true;
		background.forEach(Process::destroyForcibly);
		try {
			docker.close();
		}
		catch (IOException ignored) {
			// the engine goes anyway
		}
		script(Duration.ofSeconds(60), "down", name);
		Runtime.getRuntime().removeShutdownHook(cleanUpOnExit);
	}

	/** What a command printed and how it ended. */
	public record Result(int exitCode, String output) {
	}

	private static String script(Duration timeout, String... arguments) {
		List<String> line = new ArrayList<>(List.of("bash", SCRIPT.toString()));
		line.addAll(List.of(arguments));
		Result result = exec(line, Map.of(), timeout);
		if (result.exitCode() != 0) {
			throw new IllegalStateException(
					String.join(" ", line) + " failed (" + result.exitCode() + "): " + result.output());
		}
		return result.output();
	}

	private static Result exec(List<String> command, Map<String, String> environment, Duration timeout) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
			builder.environment().putAll(environment);
			Process process = builder.start();
			process.getOutputStream().close();
			// read while it runs: a full pipe would block it
			var reader = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process));
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.descendants().forEach(ProcessHandle::destroyForcibly);
				process.destroyForcibly();
				throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeout);
			}
			return new Result(process.exitValue(), reader.get(10, TimeUnit.SECONDS));
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
			throw new IllegalStateException(e);
		}
	}

	private static String readAll(Process process) {
		try {
			return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
