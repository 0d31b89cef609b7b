package io.tenantforge.backup;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.support.TenantFixtures.TenantRedis;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Backs up a tenant, changes its data, restores it in place, against the real PostgreSQL,
 * Redis and Docker engine, with a neighbour whose data must never change; and tries to
 * restore backups that must be refused.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackupRestoreTest {

	private static final String ALPHA = "bk-alpha";

	private static final String BETA = "bk-beta";

	private static final String CLONE = "bk-gamma";

	private static final String BROKEN = "bk-broken";

	/** A tenant restored from a backup of an older schema version. */
	private static final String OLDER = "bk-older";

	private static final long TTL_MILLIS = 600_000;

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	BackupProperties properties;

	@Autowired
	ProducerTemplate camel;

	@Autowired
	io.tenantforge.tenant.TenantVersions versions;

	@Autowired
	io.tenantforge.tenant.TenantStore tenants;

	@Autowired
	io.tenantforge.database.TenantDatabaseProvisioner database;

	private final ObjectMapper json = new ObjectMapper();

	@BeforeAll
	void provision() {
		fixtures.purge(ALPHA, BETA, CLONE);
		api.postOrder(anOrder().withName("Backup Alpha").withSubdomain(ALPHA).build());
		api.postOrder(anOrder().withName("Backup Beta").withSubdomain(BETA).build());
		fixtures.awaitStatus(ALPHA, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		fixtures.awaitStatus(BETA, TenantStatus.ACTIVE, Duration.ofSeconds(60));
	}

	@AfterAll
	void clean() {
		fixtures.purge(ALPHA, BETA, CLONE);
		fixtures.controlPlaneDatabase().update("DELETE FROM tenant_seeds WHERE tenant_id = ?", CLONE);
	}

	/**
	 * Each test starts from the same data, written as each tenant through its own
	 * connections.
	 */
	@BeforeEach
	void seed() throws Exception {
		fixtures.awaitStatus(ALPHA, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		for (String tenant : List.of(ALPHA, BETA)) {
			try (Connection db = fixtures.connectAsTenant(tenant); Statement sql = db.createStatement()) {
				sql.execute("DROP TABLE IF EXISTS notes");
				sql.execute("CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
				sql.execute("TRUNCATE customers, invoices RESTART IDENTITY");
				sql.execute("INSERT INTO customers (name) VALUES ('Ada Lovelace of " + tenant + "'), ('Grace Hopper')");
				sql.execute("INSERT INTO invoices (customer_id, amount) VALUES (1, 12.50)");
				sql.execute("INSERT INTO notes (body) VALUES ('first'), ('second'), ('third')");
			}
			try (TenantRedis redis = fixtures.connectRedisAsTenant(tenant)) {
				RedisCommands<String, String> commands = redis.connection().sync();
				String ns = "tenant:" + tenant + ":";
				commands.del(ns + "plain", ns + "session", ns + "cart", ns + "added-later");
				commands.set(ns + "plain", "kept forever");
				commands.set(ns + "session", "expires", SetArgs.Builder.px(TTL_MILLIS));
				commands.hset(ns + "cart", Map.of("apples", "3", "pears", "1"));
			}
		}
	}

	@Test
	void restoreBringsBackTheRowsKeysAndTtlsOfTheBackupAndLeavesTheNeighbourAlone() throws Exception {
		Snapshot alphaAtBackup = snapshot(ALPHA);
		Snapshot betaBefore = snapshot(BETA);
		String backup = backUp(ALPHA);

		try (Connection db = fixtures.connectAsTenant(ALPHA); Statement sql = db.createStatement()) {
			sql.execute("DELETE FROM invoices");
			sql.execute("DELETE FROM customers WHERE name = 'Grace Hopper'");
			sql.execute("UPDATE notes SET body = 'changed' WHERE body = 'first'");
			sql.execute("INSERT INTO notes (body) VALUES ('written after the backup')");
			sql.execute("CREATE TABLE after_backup (x int)");
		}
		try (TenantRedis redis = fixtures.connectRedisAsTenant(ALPHA)) {
			RedisCommands<String, String> commands = redis.connection().sync();
			commands.del("tenant:" + ALPHA + ":plain");
			commands.persist("tenant:" + ALPHA + ":session");
			commands.hset("tenant:" + ALPHA + ":cart", "plums", "7");
			commands.set("tenant:" + ALPHA + ":added-later", "x");
		}
		assertThat(snapshot(ALPHA)).isNotEqualTo(alphaAtBackup);

		HttpResponse<String> restored = api.post("/api/v1/tenants/" + ALPHA + "/restore", request(backup));

		assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
		assertThat(api.read(restored.body()).get("phase").asText()).isEqualTo("DONE");
		fixtures.awaitStatus(ALPHA, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		Snapshot alphaNow = snapshot(ALPHA);
		assertThat(alphaNow.rows()).isEqualTo(alphaAtBackup.rows());
		assertThat(alphaNow.keys()).isEqualTo(alphaAtBackup.keys());
		long ttl = fixtures.redisAdmin().pttl("tenant:" + ALPHA + ":session");
		assertThat(ttl).as("TTL of the session key").isBetween(TTL_MILLIS - 120_000, TTL_MILLIS);
		assertThat(fixtures.redisAdmin().pttl("tenant:" + ALPHA + ":plain")).isEqualTo(-1);
		assertThat(snapshot(BETA)).isEqualTo(betaBefore);
		assertThat(leftoversOfRestores()).isEmpty();
	}

	@Test
	void aBackupOfAnOlderSchemaIsMigratedForwardToTheTenantsVersionBeforeItServesAgain() throws Exception {
		// a tenant of its own: it ends at another schema version than the class's
		// tenants are seeded for
		fixtures.purge(OLDER);
		try {
			api.postOrder(anOrder().withName("Backup older").withSubdomain(OLDER).build());
			fixtures.awaitStatus(OLDER, TenantStatus.ACTIVE, Duration.ofSeconds(60));
			String schema = "tenant_" + OLDER.replace('-', '_');
			assertThat(versions.find(OLDER).orElseThrow().version().schemaVersion())
				.as("the test profile's fleet version")
				.isEqualTo("1");
			try (Connection db = fixtures.connectAsTenant(OLDER); Statement sql = db.createStatement()) {
				sql.execute("INSERT INTO customers (name) VALUES ('Grace Hopper')");
			}
			String backup = backUp(OLDER);
			// the tenant moves on to schema 2 after the backup, as a schema-only
			// rollout moves it
			database.migrateTo(tenants.find(OLDER).orElseThrow(), "2");
			versions.recordSchema(OLDER, "2");
			assertThat(schemaVersionOf(schema)).isEqualTo("2");

			HttpResponse<String> restored = api.post("/api/v1/tenants/" + OLDER + "/restore", request(backup));

			assertThat(restored.statusCode()).as(restored.body()).isEqualTo(200);
			fixtures.awaitStatus(OLDER, TenantStatus.ACTIVE, Duration.ofSeconds(60));
			// the backup's data at the ledger's version: the reconcile that resumes
			// the tenant migrated the restored schema forward before its container
			// started
			assertThat(schemaVersionOf(schema)).isEqualTo("2");
			assertThat(
					fixtures.tenantsDatabase()
						.queryForObject("SELECT count(*) FROM information_schema.columns WHERE table_schema = ? AND "
								+ "table_name = 'customers' AND column_name = 'notes'", Long.class, schema))
				.isEqualTo(1);
			assertThat(versions.find(OLDER).orElseThrow().version().schemaVersion()).isEqualTo("2");
			try (Connection db = fixtures.connectAsTenant(OLDER); Statement sql = db.createStatement()) {
				assertThat(sql.executeUpdate(
						"UPDATE customers SET notes = 'restored, then migrated' WHERE name = " + "'Grace Hopper'"))
					.as("the backup's row, with the new column")
					.isEqualTo(1);
			}
		}
		finally {
			fixtures.purge(OLDER);
		}
	}

	private String schemaVersionOf(String schema) {
		return fixtures.tenantsDatabase()
			.queryForObject("SELECT max(version) FROM " + schema + ".flyway_schema_history WHERE success",
					String.class);
	}

	@Test
	void aTamperedBackupIsRefusedWithTheReasonAndNothingChanges() throws Exception {
		String backup = backUp(ALPHA);
		Path folder = folderOf(ALPHA, backup);
		byte[] schema = Files.readAllBytes(folder.resolve("schema.sealed"));
		schema[schema.length / 2] ^= 0x01;
		Files.write(folder.resolve("schema.sealed"), schema);
		try (Connection db = fixtures.connectAsTenant(ALPHA); Statement sql = db.createStatement()) {
			sql.execute("INSERT INTO notes (body) VALUES ('after the backup')");
		}
		Snapshot before = snapshot(ALPHA);
		long restoresBefore = restoresOf(ALPHA);

		HttpResponse<String> refused = api.post("/api/v1/tenants/" + ALPHA + "/restore", request(backup));

		assertThat(refused.statusCode()).isEqualTo(409);
		assertThat(api.read(refused.body()).get("detail").asText())
			.contains("part schema does not match the checksum in its manifest");

		// the checksum made to match: the seal itself refuses
		ObjectNode manifest = (ObjectNode) json.readTree(folder.resolve(BackupStore.MANIFEST).toFile());
		for (JsonNode part : manifest.get("parts")) {
			if (part.get("name").asText().equals("schema")) {
				((ObjectNode) part).put("sha256", io.tenantforge.support.Sha256.hex(schema));
			}
		}
		json.writeValue(folder.resolve(BackupStore.MANIFEST).toFile(), manifest);
		HttpResponse<String> forged = api.post("/api/v1/tenants/" + ALPHA + "/restore", request(backup));

		assertThat(forged.statusCode()).isEqualTo(409);
		assertThat(api.read(forged.body()).get("detail").asText()).contains("does not open as tenant '" + ALPHA);
		assertThat(snapshot(ALPHA)).isEqualTo(before);
		assertThat(restoresOf(ALPHA)).as("restores begun for %s", ALPHA).isEqualTo(restoresBefore);
		assertThat(api.tenant(ALPHA).get("status").asText()).isEqualTo("ACTIVE");
	}

	@Test
	void aBackupOfAnotherTenantNeverOverwritesThisOne() throws Exception {
		String betaBackup = backUp(BETA);
		Snapshot alphaBefore = snapshot(ALPHA);

		HttpResponse<String> named = api.post("/api/v1/tenants/" + ALPHA + "/restore", request(betaBackup));

		assertThat(named.statusCode()).isEqualTo(409);
		assertThat(api.read(named.body()).get("detail").asText())
			.contains("is a backup of tenant '" + BETA + "', not of '" + ALPHA + "'");

		// beta's files copied into alpha's folder under a fresh id, the manifest
		// rewritten to claim alpha
		String smuggled = BackupIds.next(java.time.Instant.now());
		Path target = folderOf(ALPHA, smuggled);
		Files.createDirectories(target);
		try (Stream<Path> files = Files.list(folderOf(BETA, betaBackup))) {
			for (Path file : files.toList()) {
				Files.copy(file, target.resolve(file.getFileName()));
			}
		}
		ObjectNode manifest = (ObjectNode) json.readTree(target.resolve(BackupStore.MANIFEST).toFile());
		manifest.put("tenant", ALPHA).put("id", smuggled);
		json.writeValue(target.resolve(BackupStore.MANIFEST).toFile(), manifest);

		HttpResponse<String> copied = api.post("/api/v1/tenants/" + ALPHA + "/restore", request(smuggled));

		assertThat(copied.statusCode()).isEqualTo(409);
		assertThat(api.read(copied.body()).get("detail").asText()).contains("does not open as tenant '" + ALPHA);
		assertThat(snapshot(ALPHA)).isEqualTo(alphaBefore);
	}

	@Test
	void aCloneIsANewIndependentTenantSeededWithTheBackupsData() throws Exception {
		Snapshot alphaAtBackup = snapshot(ALPHA);
		String backup = backUp(ALPHA);
		try (Connection db = fixtures.connectAsTenant(ALPHA); Statement sql = db.createStatement()) {
			sql.execute("INSERT INTO notes (body) VALUES ('alpha, after the backup')");
		}

		HttpResponse<String> ordered = api.postOrder(anOrder().withName("Backup Gamma")
			.withSubdomain(CLONE)
			.with("from", Map.of("tenant", ALPHA, "backup", backup))
			.build());

		assertThat(ordered.statusCode()).as(ordered.body()).isEqualTo(202);
		await().atMost(Duration.ofSeconds(90))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> "SEEDED".equals(fixtures.controlPlaneDatabase()
				.queryForList("SELECT state FROM tenant_seeds WHERE tenant_id = ?", String.class, CLONE)
				.stream()
				.findFirst()
				.orElse(null)));
		fixtures.awaitStatus(CLONE, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		assertThat(snapshot(CLONE)).isEqualTo(alphaAtBackup);
		// its own role, ACL user and container
		assertThat(fixtures.footprint()).contains("role:tenant_bk_gamma", "schema:tenant_bk_gamma",
				"acl:tenant_bk_gamma", "container:/tenant-bk-gamma");
		assertThat(fixtures.readSecret(CLONE, "database_password"))
			.isNotEqualTo(fixtures.readSecret(ALPHA, "database_password"));
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT count(*) FROM pg_class c JOIN pg_namespace n "
					+ "ON n.oid = c.relnamespace WHERE n.nspname = 'tenant_bk_gamma' AND pg_get_userbyid(c.relowner) "
					+ "<> 'tenant_bk_gamma'", Long.class))
			.as("objects of the clone not owned by its role")
			.isZero();

		Snapshot alphaBefore = snapshot(ALPHA);
		try (Connection db = fixtures.connectAsTenant(CLONE);
				Statement sql = db.createStatement();
				TenantRedis redis = fixtures.connectRedisAsTenant(CLONE)) {
			sql.execute("INSERT INTO notes (body) VALUES ('only the clone')");
			sql.execute("DELETE FROM customers WHERE name = 'Grace Hopper'");
			redis.connection().sync().set("tenant:" + CLONE + ":plain", "the clone's own");
		}
		assertThat(snapshot(ALPHA)).isEqualTo(alphaBefore);
		assertThat(snapshot(CLONE)).isNotEqualTo(alphaAtBackup);
	}

	@Test
	void aCloneOfABackupThatIsNotTheSourcesIsRefused() {
		String betaBackup = backUp(BETA);

		HttpResponse<String> refused = api.postOrder(anOrder().withName("Not A Clone")
			.withSubdomain("bk-delta")
			.with("from", Map.of("tenant", ALPHA, "backup", betaBackup))
			.build());

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.body()).contains("from.backup").contains("not a backup of tenant '" + ALPHA + "'");
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenants WHERE id = 'bk-delta'", Long.class)).isZero();
	}

	@Test
	void scheduledBackupsFollowTheTierKeepTheNewestAndAFailureShowsInHealthTheFleetApiAndMetrics() throws Exception {
		fixtures.purge(BROKEN);
		api.postOrder(anOrder().withName("Backup Broken").withSubdomain(BROKEN).build());
		fixtures.awaitStatus(BROKEN, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		// an operator dropped its schema by hand: its scheduled backup fails
		fixtures.tenantsDatabase().execute("DROP SCHEMA tenant_bk_broken CASCADE");
		String older = backUp(ALPHA);
		String newer = backUp(ALPHA);
		try {
			camel.requestBody("direct:backup-schedule", (Object) null);

			JsonNode alphaBackups = api.read(api.get("/api/v1/tenants/" + ALPHA + "/backups").body());
			assertThat(alphaBackups).as("the test profile's basic tier keeps 2").hasSize(2);
			assertThat(alphaBackups.get(0).get("trigger").asText()).isEqualTo("schedule");
			assertThat(alphaBackups.get(1).get("id").asText()).isEqualTo(newer);
			assertThat(folderOf(ALPHA, newer)).isDirectory();
			assertThat(folderOf(ALPHA, older)).doesNotExist();
			JsonNode health = api
				.read(api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/health", null).body())
				.path("components")
				.path("scheduledBackups");
			assertThat(health.path("status").asText()).isEqualTo("DOWN");
			assertThat(health.path("details").path("failedScheduledBackups").path(BROKEN).asText())
				.contains("has no database schema");
			// the fleet page's source (as a viewer; the exchange is held to the contract)
			HttpResponse<String> fleet = api.requestAs("viewer", "viewer-password", "GET", "/api/v1/fleet/backups",
					null);
			assertThat(fleet.statusCode()).as(fleet.body()).isEqualTo(200);
			Map<String, JsonNode> outcomes = new TreeMap<>();
			api.read(fleet.body()).path("tenants").forEach(o -> outcomes.put(o.path("tenant").asText(), o));
			assertThat(api.read(fleet.body()).path("failed").asInt()).isPositive();
			JsonNode broken = outcomes.get(BROKEN);
			assertThat(broken).as("the broken tenant's outcome").isNotNull();
			assertThat(broken.path("outcome").asText()).isEqualTo("FAILED");
			assertThat(broken.path("reason").asText()).contains("has no database schema");
			assertThat(broken.has("lastFailureAt")).isTrue();
			assertThat(broken.has("lastSuccessAt")).as("never backed up").isFalse();
			JsonNode alpha = outcomes.get(ALPHA);
			assertThat(alpha.path("outcome").asText()).isEqualTo("SUCCEEDED");
			assertThat(alpha.has("lastSuccessAt")).isTrue();
			String metrics = api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).body();
			assertThat(metrics)
				.containsPattern("tenantforge_backup_last_success_seconds\\{tenant=\"" + ALPHA + "\"\\} [1-9]")
				.containsPattern("tenantforge_backup_last_failure_seconds\\{tenant=\"" + BROKEN + "\"\\} [1-9]");
		}
		finally {
			fixtures.purge(BROKEN);
		}
		try {
			// its outcome row is still there: a tenant that is gone has no backup failing
			assertThat(api.read(api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/health", null).body())
				.path("components")
				.path("scheduledBackups")
				.path("status")
				.asText()).isEqualTo("UP");
			assertThat(api.get("/api/v1/fleet/backups").body()).doesNotContain(BROKEN);
		}
		finally {
			fixtures.controlPlaneDatabase().update("DELETE FROM tenant_backup_outcomes WHERE tenant_id = ?", BROKEN);
		}
	}

	@Test
	void backupsAreListedAndOnlyOperatorsMayTakeOrRestoreThem() {
		String backup = backUp(BETA);

		JsonNode list = api.read(api.get("/api/v1/tenants/" + BETA + "/backups").body());
		List<String> ids = new ArrayList<>();
		list.forEach(b -> ids.add(b.get("id").asText()));
		assertThat(ids).contains(backup);
		assertThat(list.get(0).get("rows").asLong()).isGreaterThanOrEqualTo(5);
		assertThat(api.requestAs("viewer", "viewer-password", "POST", "/api/v1/tenants/" + BETA + "/backups", null)
			.statusCode()).isEqualTo(403);
		assertThat(api
			.requestAs("viewer", "viewer-password", "POST", "/api/v1/tenants/" + BETA + "/restore", request(backup))
			.statusCode()).isEqualTo(403);
		assertThat(api.get("/api/v1/tenants/no-such-tenant/backups").statusCode()).isEqualTo(404);
		assertThat(api.post("/api/v1/tenants/no-such-tenant/backups", null).statusCode()).isEqualTo(404);
		assertThat(api.post("/api/v1/tenants/no-such-tenant/restore", request(backup)).statusCode()).isEqualTo(404);
		assertThat(api.post("/api/v1/tenants/" + BETA + "/restore", "{\"backup\":\"../../etc\"}").statusCode())
			.isEqualTo(400);
	}

	@Test
	void noSecretValueIsInABackupsBytesItsApiAnswersOrTheLog() throws Exception {
		HttpResponse<String> created = api.post("/api/v1/tenants/" + ALPHA + "/backups", null);
		String backup = api.read(created.body()).get("id").asText();
		HttpResponse<String> listed = api.get("/api/v1/tenants/" + ALPHA + "/backups");
		List<String> secrets = List.of(fixtures.readSecret(ALPHA, "database_password"),
				fixtures.readSecret(ALPHA, "redis_password"), fixtures.readSecret(ALPHA, "health_token"),
				"dGVuYW50Zm9yZ2UtdGVzdC1rZXktMzItYnl0ZXMtISE=",
				new String(Base64.getDecoder().decode("dGVuYW50Zm9yZ2UtdGVzdC1rZXktMzItYnl0ZXMtISE="),
						StandardCharsets.ISO_8859_1));
		List<String> sinks = new ArrayList<>(List.of(created.body(), listed.body(),
				Files.readString(Path.of("target/test-app.log"), StandardCharsets.ISO_8859_1)));
		try (Stream<Path> files = Files.list(folderOf(ALPHA, backup))) {
			for (Path file : files.toList()) {
				String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
				sinks.add(bytes);
				// sealed: not even the tenant's own data is in clear
				assertThat(bytes).as(file.toString()).doesNotContain("Ada Lovelace").doesNotContain("kept forever");
			}
		}
		for (String secret : secrets) {
			assertThat(secret).hasSizeGreaterThan(20);
			for (String sink : sinks) {
				assertThat(sink).doesNotContain(secret);
			}
		}
	}

	private String backUp(String tenant) {
		HttpResponse<String> created = api.post("/api/v1/tenants/" + tenant + "/backups", null);
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode backup = api.read(created.body());
		assertThat(backup.get("tenant").asText()).isEqualTo(tenant);
		assertThat(Files.isRegularFile(folderOf(tenant, backup.get("id").asText()).resolve(BackupStore.MANIFEST)))
			.isTrue();
		return backup.get("id").asText();
	}

	private Path folderOf(String tenant, String backup) {
		return properties.dir().toAbsolutePath().resolve(tenant).resolve(backup);
	}

	private static String request(String backup) {
		return "{\"backup\":\"" + backup + "\"}";
	}

	/** Schemas and keys a restore left behind anywhere (parked schemas, staged keys). */
	private List<String> leftoversOfRestores() {
		List<String> left = new ArrayList<>(fixtures.tenantsDatabase()
			.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tfrestore\\_%'", String.class));
		left.addAll(fixtures.redisKeys("tfrestore:*"));
		return left;
	}

	/**
	 * A tenant's data as seen through its own connections: its rows, and its keys with
	 * their values.
	 */
	private Snapshot snapshot(String tenant) throws SQLException {
		Map<String, List<String>> rows = new TreeMap<>();
		try (Connection db = fixtures.connectAsTenant(tenant); Statement sql = db.createStatement()) {
			List<String> tables = new ArrayList<>();
			try (ResultSet rs = sql.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
					+ "AND tablename <> 'flyway_schema_history' ORDER BY 1")) {
				while (rs.next()) {
					tables.add(rs.getString(1));
				}
			}
			for (String table : tables) {
				List<String> values = new ArrayList<>();
				try (ResultSet rs = sql.executeQuery("SELECT t::text FROM \"" + table + "\" t ORDER BY 1")) {
					while (rs.next()) {
						values.add(rs.getString(1));
					}
				}
				rows.put(table, values);
			}
		}
		Map<String, String> keys = new TreeMap<>();
		try (TenantRedis redis = fixtures.connectRedisAsTenant(tenant)) {
			RedisCommands<String, String> commands = redis.connection().sync();
			for (String suffix : List.of("plain", "session", "added-later")) {
				String value = commands.get("tenant:" + tenant + ":" + suffix);
				if (value != null) {
					keys.put(suffix,
							value + (commands.pttl("tenant:" + tenant + ":" + suffix) > 0 ? " (expires)" : ""));
				}
			}
			keys.put("cart", new TreeMap<>(commands.hgetall("tenant:" + tenant + ":cart")).toString());
		}
		return new Snapshot(rows, keys);
	}

	private record Snapshot(Map<String, List<String>> rows, Map<String, String> keys) {
	}

	private long restoresOf(String tenant) {
		return fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenant_restores WHERE tenant_id = ?", Long.class, tenant);
	}

}
