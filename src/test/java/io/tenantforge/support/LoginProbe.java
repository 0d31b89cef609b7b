package io.tenantforge.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Logins as a tenant, run by a test inside a test host's namespace
 * ({@link TestHost#javaCommand}): the test's own JVM lives in the machine's namespace and
 * cannot reach the test host's PostgreSQL and Redis, whose addresses exist only in there.
 * The password comes from the environment ({@code TF_PROBE_PASSWORD}) or from the
 * tenant's secret files, never from the command line. Prints one line per result; the
 * exit code is 0 whatever the login's outcome (a refusal is a result).
 * <ul>
 * <li>{@code postgres HOST PORT DATABASE USER}: a JDBC login; {@code OK}, or
 * {@code REFUSED <SQLState> <message>}</li>
 * <li>{@code redis HOST PORT USER}: {@code AUTH USER password}; {@code OK}, or
 * {@code REFUSED <Redis's error>}</li>
 * <li>{@code load SECRETS PROGRESS STOP PGHOST PGPORT DATABASE USER REDISHOST REDISPORT KEY}:
 * the bounded load loop of a product following the product-image contract (a long-lived
 * database session writing and reading; per iteration a new database connection and a new
 * Redis connection incrementing KEY, with the password read from the secret file at that
 * moment, the database one read again while PostgreSQL refuses it, for at most 2 s) until
 * the file STOP exists (at most 60 s or 5000 iterations); the count of iterations done is
 * written to PROGRESS after each (atomically); then {@code ITERATIONS <n>} and one
 * {@code FAILURE <what>} line per failed request.</li>
 * </ul>
 */
public final class LoginProbe {

	private static final String PASSWORD = "TF_PROBE_PASSWORD";

	private LoginProbe() {
	}

	public static void main(String[] args) throws Exception {
		switch (args[0]) {
			case "postgres" -> System.out.println(postgres(url(args[1], args[2], args[3]), args[4], password()));
			case "redis" -> System.out.println(redis(args[1], Integer.parseInt(args[2]), args[3], password()));
			case "load" -> load(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), url(args[4], args[5], args[6]),
					args[7], args[8], Integer.parseInt(args[9]), args[10]);
			default -> throw new IllegalArgumentException("unknown probe " + args[0]);
		}
	}

	private static String postgres(String url, String user, String password) {
		try (Connection connection = DriverManager.getConnection(url, user, password)) {
			return connection.isValid(2) ? "OK" : "REFUSED none: the connection is not valid";
		}
		catch (SQLException e) {
			return "REFUSED " + e.getSQLState() + " " + e.getMessage();
		}
	}

	private static String redis(String host, int port, String user, String password) throws IOException {
		try (Resp redis = new Resp(host, port)) {
			String reply = redis.call("AUTH", user, password);
			return "+OK".equals(reply) ? "OK" : "REFUSED " + reply.substring(1);
		}
	}

	private static void load(Path secrets, Path progress, Path stop, String url, String user, String redisHost,
			int redisPort, String key) throws Exception {
		List<String> failures = new ArrayList<>();
		Instant end = Instant.now().plus(Duration.ofSeconds(60));
		int iterations = 0;
		try (Connection session = DriverManager.getConnection(url, user, secret(secrets, "database_password"))) {
			while (!Files.exists(stop) && Instant.now().isBefore(end) && iterations < 5000) {
				step(failures, "long-lived database session", () -> {
					try (Statement sql = session.createStatement()) {
						sql.executeUpdate("INSERT INTO settings (key, value) VALUES ('load', '0') ON CONFLICT (key) "
								+ "DO UPDATE SET value = to_jsonb(settings.value::text::int + 1)");
						try (ResultSet rs = sql.executeQuery("SELECT value FROM settings WHERE key = 'load'")) {
							check(rs.next(), "no row 'load'");
						}
					}
				});
				step(failures, "new database connection", () -> newDatabaseConnection(secrets, url, user));
				step(failures, "new Redis connection", () -> {
					try (Resp redis = new Resp(redisHost, redisPort)) {
						String auth = redis.call("AUTH", user, secret(secrets, "redis_password"));
						check("+OK".equals(auth), "AUTH: " + auth);
						String incremented = redis.call("INCR", key);
						check(incremented.startsWith(":"), "INCR: " + incremented);
					}
				});
				iterations++;
				// temporary file and rename: the test reads the count while it changes
				Path next = progress.resolveSibling(progress.getFileName() + ".next");
				Files.writeString(next, Integer.toString(iterations));
				Files.move(next, progress, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
		}
		System.out.println("ITERATIONS " + iterations);
		failures.forEach(failure -> System.out.println("FAILURE " + failure));
	}

	/**
	 * As the product-image contract says: the password read from the file, and read again
	 * while PostgreSQL refuses it (the role's password changes milliseconds before the
	 * file).
	 */
	private static void newDatabaseConnection(Path secrets, String url, String user) {
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(2))
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(10))
			.ignoreExceptionsMatching(e -> e instanceof SQLException refused && "28P01".equals(refused.getSQLState()))
			.until(() -> {
				try (Connection fresh = DriverManager.getConnection(url, user, secret(secrets, "database_password"))) {
					check(fresh.isValid(2), "not valid");
					return true;
				}
			});
	}

	private static void step(List<String> failures, String what, Work work) {
		try {
			work.run();
		}
		catch (Exception e) {
			failures.add(what + ": " + e);
		}
	}

	private static void check(boolean condition, String otherwise) {
		if (!condition) {
			throw new IllegalStateException(otherwise);
		}
	}

	@FunctionalInterface
	private interface Work {

		void run() throws Exception;

	}

	private static String secret(Path secrets, String file) {
		try {
			return Files.readString(secrets.resolve(file)).strip();
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static String password() {
		String password = System.getenv(PASSWORD);
		if (password == null) {
			throw new IllegalArgumentException("no " + PASSWORD + " in the environment");
		}
		return password;
	}

	private static String url(String host, String port, String database) {
		return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?connectTimeout=5&socketTimeout=10";
	}

	/** A Redis connection speaking RESP by hand: the probe needs only a few commands. */
	private static final class Resp implements AutoCloseable {

		private final Socket socket;

		private final BufferedReader in;

		private final OutputStream out;

		Resp(String host, int port) throws IOException {
			socket = new Socket();
			socket.connect(new InetSocketAddress(host, port), 5000);
			socket.setSoTimeout(5000);
			in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			out = socket.getOutputStream();
		}

		/** Sends the command, answers the reply's first line. */
		String call(String... words) throws IOException {
			StringBuilder command = new StringBuilder("*").append(words.length).append("\r\n");
			for (String word : words) {
				command.append('$')
					.append(word.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(word)
					.append("\r\n");
			}
			out.write(command.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			String reply = in.readLine();
			if (reply == null) {
				throw new IOException("Redis closed the connection");
			}
			return reply;
		}

		@Override
		public void close() throws IOException {
			socket.close();
		}

	}

}
