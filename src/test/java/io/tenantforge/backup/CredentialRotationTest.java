package io.tenantforge.backup;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;

import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.support.TenantFixtures.TenantRedis;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Rotates a tenant's credentials while a bounded load loop works through the tenant's own
 * connections, as a product following the product-image contract would: long-lived
 * sessions opened before, new connections with the password read from the secret file at
 * that moment, and requests to the tenant's container, which logs in to Redis anew on
 * each. Nothing may fail; afterwards PostgreSQL and Redis refuse the old passwords.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialRotationTest {

	private static final String TENANT = "rot-alpha";

	/** A pro tenant: the test profile's pro tier rotates every 6 s. */
	private static final String SCHEDULED = "rot-sched";

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	TenantDatabaseProperties database;

	@Autowired
	CamelContext camel;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@BeforeAll
	void provision() {
		fixtures.purge(TENANT);
		api.postOrder(anOrder().withName("Rotation Alpha").withSubdomain(TENANT).build());
		fixtures.awaitStatus(TENANT, TenantStatus.ACTIVE, Duration.ofSeconds(60));
	}

	@AfterAll
	void clean() {
		fixtures.purge(TENANT);
		fixtures.purge(SCHEDULED);
		fixtures.controlPlaneDatabase().update("DELETE FROM tenant_backup_outcomes WHERE tenant_id = ?", SCHEDULED);
	}

	@Test
	void rotationUnderLoadFailsNoRequestAndTheOldPasswordsAreRefusedAfterwards() throws Exception {
		String oldDatabase = fixtures.readSecret(TENANT, "database_password");
		String oldRedis = fixtures.readSecret(TENANT, "redis_password");
		String endpoint = api.tenant(TENANT).get("endpoint").asText();
		assertThat(ping(endpoint)).isEqualTo(200);
		Load load = new Load(endpoint);
		CompletableFuture<Void> loop = CompletableFuture.runAsync(load::run);
		await().atMost(Duration.ofSeconds(10)).until(() -> load.iterations.get() >= 5);
		int before = load.iterations.get();

		HttpResponse<String> rotated = api.post("/api/v1/tenants/" + TENANT + "/credentials/rotate", null);

		assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
		int atRotation = load.iterations.get();
		await().atMost(Duration.ofSeconds(10)).until(() -> load.iterations.get() >= atRotation + 5);
		load.stop.set(true);
		loop.get(30, TimeUnit.SECONDS);

		assertThat(load.failures).as("failed requests of the load loop").isEmpty();
		assertThat(atRotation - before).as("iterations while the rotation ran").isPositive();
		String newDatabase = fixtures.readSecret(TENANT, "database_password");
		String newRedis = fixtures.readSecret(TENANT, "redis_password");
		assertThat(newDatabase).isNotEqualTo(oldDatabase);
		assertThat(newRedis).isNotEqualTo(oldRedis);
		// this machine's PostgreSQL trusts 127.0.0.1 (see Host posture), so a login
		// proves nothing here: what
		// PostgreSQL checks a password against under scram-sha-256 is the role's verifier
		String verifier = fixtures.tenantsDatabase()
			.queryForObject("SELECT rolpassword FROM pg_authid WHERE rolname = ?", String.class, role());
		assertThat(scramMatches(verifier, newDatabase)).as("the verifier takes the new password").isTrue();
		assertThat(scramMatches(verifier, oldDatabase)).as("the verifier takes the old password").isFalse();
		assertThat(authAs(TENANT, oldRedis)).as("Redis's answer to the old password").startsWith("WRONGPASS");
		try (Connection db = fixtures.connectAsTenant(TENANT);
				TenantRedis redis = fixtures.connectRedisAsTenant(TENANT)) {
			assertThat(db.isValid(2)).isTrue();
			assertThat(redis.connection().sync().ping()).isEqualTo("PONG");
		}
		assertThat(ping(endpoint)).isEqualTo(200);
		for (String secret : List.of(oldDatabase, oldRedis, newDatabase, newRedis)) {
			assertThat(rotated.body()).doesNotContain(secret);
		}
		assertThat(fixtures.redisAdmin().aclGetuser(role()).toString())
			.doesNotContain(io.tenantforge.support.Sha256.hex(oldRedis));
	}

	/**
	 * The real schedule: the {@code backup-schedule-trigger} route's Quartz trigger set
	 * to fire every second (the test profile's cron never fires), so its rounds rotate
	 * the credentials of a tenant whose tier's {@code rotate-every} has passed since its
	 * creation, and of no other.
	 */
	@Test
	void theScheduleRotatesTheCredentialsOfATenantWhoseTiersIntervalHasPassed() throws Exception {
		fixtures.purge(SCHEDULED);
		fixtures.controlPlaneDatabase().update("DELETE FROM tenant_backup_outcomes WHERE tenant_id = ?", SCHEDULED);
		api.postOrder(anOrder().withName("Rotation Scheduled").withSubdomain(SCHEDULED).withTier("pro").build());
		fixtures.awaitStatus(SCHEDULED, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		String oldDatabase = fixtures.readSecret(SCHEDULED, "database_password");
		String oldRedis = fixtures.readSecret(SCHEDULED, "redis_password");
		String basicTenants = fixtures.readSecret(TENANT, "database_password"); // basic:
																				// every
																				// 90 days

		Scheduler quartz = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
		TriggerKey key = TriggerKey.triggerKey("schedule", "backup");
		CronTrigger original = (CronTrigger) quartz.getTrigger(key);
		assertThat(original).as("the backup schedule's trigger").isNotNull();
		assertThat(lastRotatedAt(SCHEDULED)).isEmpty();
		try {
			quartz.rescheduleJob(key, cron(original, "* * * * * ?"));
			await().atMost(Duration.ofSeconds(40))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> lastRotatedAt(SCHEDULED).isPresent());
		}
		finally {
			quartz.rescheduleJob(key, cron(original, original.getCronExpression()));
		}

		String newDatabase = fixtures.readSecret(SCHEDULED, "database_password");
		String newRedis = fixtures.readSecret(SCHEDULED, "redis_password");
		assertThat(newDatabase).isNotEqualTo(oldDatabase);
		assertThat(newRedis).isNotEqualTo(oldRedis);
		String verifier = fixtures.tenantsDatabase()
			.queryForObject("SELECT rolpassword FROM pg_authid WHERE rolname = ?", String.class,
					new TenantNames(SCHEDULED).databaseRole());
		assertThat(scramMatches(verifier, newDatabase)).as("the verifier takes the new password").isTrue();
		assertThat(scramMatches(verifier, oldDatabase)).as("the verifier takes the old password").isFalse();
		assertThat(authAs(SCHEDULED, oldRedis)).as("Redis's answer to the old password").startsWith("WRONGPASS");
		redisAs(SCHEDULED, newRedis).close();
		assertThat(ping(api.tenant(SCHEDULED).get("endpoint").asText())).isEqualTo(200);
		assertThat(fixtures.readSecret(TENANT, "database_password")).as("the basic tenant is not due")
			.isEqualTo(basicTenants);
	}

	private Optional<java.sql.Timestamp> lastRotatedAt(String tenant) {
		return fixtures.controlPlaneDatabase()
			.queryForList("SELECT last_rotated_at FROM tenant_backup_outcomes WHERE tenant_id = ? "
					+ "AND last_rotated_at IS NOT NULL", java.sql.Timestamp.class, tenant)
			.stream()
			.findFirst();
	}

	/** The trigger with another cron expression (its key, job and data kept). */
	private static Trigger cron(CronTrigger trigger, String expression) {
		return trigger.getTriggerBuilder()
			.withSchedule(CronScheduleBuilder.cronSchedule(expression).withMisfireHandlingInstructionDoNothing())
			.startNow()
			.build();
	}

	@Test
	void rotationNeedsAnOperatorAndAnExistingTenant() {
		assertThat(api.post("/api/v1/tenants/no-such-tenant/credentials/rotate", null).statusCode()).isEqualTo(404);
		assertThat(api
			.requestAs("viewer", "viewer-password", "POST", "/api/v1/tenants/" + TENANT + "/credentials/rotate", null)
			.statusCode()).isEqualTo(403);
	}

	/** The load loop: what a product's connections do while the credentials change. */
	private final class Load {

		final AtomicBoolean stop = new AtomicBoolean();

		final AtomicInteger iterations = new AtomicInteger();

		final List<String> failures = Collections.synchronizedList(new ArrayList<>());

		private final String endpoint;

		Load(String endpoint) {
			this.endpoint = endpoint;
		}

		void run() {
			try (Connection session = fixtures.connectAsTenant(TENANT);
					TenantRedis redisSession = fixtures.connectRedisAsTenant(TENANT)) {
				int i = 0;
				while (!stop.get() && i < 5_000) {
					i++;
					step("long-lived database session", () -> {
						try (Statement sql = session.createStatement()) {
							sql.executeUpdate("INSERT INTO settings (key, value) VALUES ('load', '0') "
									+ "ON CONFLICT (key) DO UPDATE SET value = to_jsonb(settings.value::text::int + 1)");
							try (ResultSet rs = sql.executeQuery("SELECT value FROM settings WHERE key = 'load'")) {
								assertThat(rs.next()).isTrue();
							}
						}
					});
					step("long-lived Redis connection", () -> {
						redisSession.connection().sync().incr("tenant:" + TENANT + ":load");
						assertThat(redisSession.connection().sync().get("tenant:" + TENANT + ":load")).isNotNull();
					});
					step("new database connection", this::newDatabaseConnection);
					step("new Redis connection", () -> {
						try (TenantRedis fresh = redisAs(fixtures.readSecret(TENANT, "redis_password"))) {
							assertThat(fresh.connection().sync().ping()).isEqualTo("PONG");
						}
					});
					step("container's Redis login", () -> assertThat(ping(endpoint)).isEqualTo(200));
					iterations.incrementAndGet();
				}
			}
			catch (Exception e) {
				failures.add("load loop: " + e);
			}
		}

		/**
		 * As the product-image contract says: the password is read from the file for each
		 * new connection, and read again when PostgreSQL refuses it (the role's password
		 * changes a few milliseconds before the file does).
		 */
		private void newDatabaseConnection() {
			await().atMost(Duration.ofSeconds(2))
				.pollInterval(Duration.ofMillis(10))
				.ignoreExceptionsMatching(e -> e instanceof SQLException sql && "28P01".equals(sql.getSQLState()))
				.until(() -> {
					try (Connection fresh = DriverManager.getConnection(database.url(), role(),
							fixtures.readSecret(TENANT, "database_password"))) {
						return fresh.isValid(2);
					}
				});
		}

		private void step(String what, ThrowingRunnable work) {
			try {
				work.run();
			}
			catch (Throwable e) {
				failures.add(what + ": " + e);
			}
		}

	}

	@FunctionalInterface
	private interface ThrowingRunnable {

		void run() throws Exception;

	}

	private int ping(String endpoint) throws Exception {
		return http
			.send(HttpRequest.newBuilder(URI.create(endpoint + "/redis-ping")).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString())
			.statusCode();
	}

	/**
	 * Redis's answer to {@code AUTH <tenant's user> <password>} on a connection of its
	 * own: "OK" or the error. Asked with an AUTH command rather than through a client's
	 * connection handshake: Lettuce reports a refused handshake as the server's WRONGPASS
	 * or, when the channel closes first, as "RedisHandshakeHandler not registered".
	 */
	private String authAs(String tenant, String password) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
		try (var connection = client.connect()) {
			return connection.sync().auth(new TenantNames(tenant).redisUser(), password);
		}
		catch (RedisCommandExecutionException refused) {
			return refused.getMessage();
		}
		finally {
			client.shutdown();
		}
	}

	private TenantRedis redisAs(String password) {
		return redisAs(TENANT, password);
	}

	private TenantRedis redisAs(String tenant, String password) {
		RedisClient client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(6379)
			.withAuthentication(new TenantNames(tenant).redisUser(), password)
			.build());
		try {
			return new TenantRedis(client, client.connect());
		}
		catch (RuntimeException e) {
			client.shutdown();
			throw e;
		}
	}

	/**
	 * Whether a SCRAM-SHA-256 verifier
	 * ({@code SCRAM-SHA-256$iter:salt$StoredKey:ServerKey}) takes the password.
	 */
	private static boolean scramMatches(String verifier, String password) throws Exception {
		String[] parts = verifier.split("[$:]");
		assertThat(parts[0]).isEqualTo("SCRAM-SHA-256");
		int iterations = Integer.parseInt(parts[1]);
		byte[] salt = java.util.Base64.getDecoder().decode(parts[2]);
		byte[] storedKey = java.util.Base64.getDecoder().decode(parts[3]);
		javax.crypto.SecretKeyFactory pbkdf2 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
		byte[] salted = pbkdf2
			.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256))
			.getEncoded();
		javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
		hmac.init(new javax.crypto.spec.SecretKeySpec(salted, "HmacSHA256"));
		byte[] clientKey = hmac.doFinal("Client Key".getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return java.security.MessageDigest.isEqual(storedKey,
				java.security.MessageDigest.getInstance("SHA-256").digest(clientKey));
	}

	private static String role() {
		return new TenantNames(TENANT).databaseRole();
	}

}
