package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Crash safety of a restore in place: the packaged control plane is stopped dead after a
 * phase of a restore (test hook {@code tenantforge.backup.halt-after-phase}) and
 * SIGKILLed there; the next control plane finishes or undoes the restore, and the tenant
 * has exactly the data from before the restore or exactly the backup's, never a mix.
 */
class RestoreCrashIT {

	private static final String TENANT = "restory";

	private static final Duration WAIT = Duration.ofSeconds(90);

	private final ServicePurge purge = ControlPlaneProcess.purge();

	private final JdbcTemplate controlPlane = ControlPlaneProcess.controlPlaneDatabase();

	private final JdbcTemplate tenants = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.TENANTS_DB, "postgres", ""));

	private final RedisCommands<String, String> redis = RedisClient.create(RedisURI.create("127.0.0.1", 6379))
		.connect()
		.sync();

	private final ObjectMapper json = new ObjectMapper();

	@BeforeEach
	@AfterEach
	void clean() {
		purge.purge(TENANT);
	}

	@ParameterizedTest(name = "SIGKILL after {0}: the tenant has the {1} data")
	@CsvSource({ "STAGED, old", "PARKED, old", "RESTORED, old", "SWAPPED, new" })
	void aRestoreKilledMidWayConvergesToTheOldOrTheNewDataNeverAMix(String phase, String expected) throws Exception {
		Map<String, Object> atBackup;
		Map<String, Object> changed;
		String backup;
		try (ControlPlaneProcess first = ControlPlaneProcess.start(backupDir(),
				"--tenantforge.backup.halt-after-phase=" + phase)) {
			assertThat(first.post("/api/v1/tenants", anOrder().withName("Restory").withSubdomain(TENANT).build())
				.statusCode()).isEqualTo(202);
			await().atMost(WAIT)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> first.status(TENANT).equals("ACTIVE"));
			write("at the backup", 3);
			atBackup = data();
			var created = first.post("/api/v1/tenants/" + TENANT + "/backups", "");
			assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
			backup = json.readTree(created.body()).get("id").asText();
			write("after the backup", 5);
			changed = data();
			assertThat(changed).isNotEqualTo(atBackup);
			try {
				first.post("/api/v1/tenants/" + TENANT + "/restore", "{\"backup\":\"" + backup + "\"}");
			}
			catch (NoSuchElementException haltedControlPlaneNeverAnswers) {
				// expected: the restore stops dead at the hook
			}
			first.awaitLog("halted after restore phase " + phase + " of tenant " + TENANT, WAIT);
			first.kill();
		}
		try (ControlPlaneProcess next = ControlPlaneProcess.start(backupDir())) {
			await().atMost(WAIT)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> "DONE,UNDONE".contains(controlPlane.queryForObject(
						"SELECT phase FROM tenant_restores WHERE tenant_id = ? ORDER BY id DESC " + "LIMIT 1",
						String.class, TENANT)));
			await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> next.status(TENANT).equals("ACTIVE"));
			assertThat(data()).isEqualTo(expected.equals("old") ? changed : atBackup);
			assertThat(tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tfrestore\\_%'",
					String.class))
				.isEmpty();
			assertThat(redis.keys("tfrestore:*")).isEmpty();
		}
	}

	/**
	 * Replaces the tenant's rows and keys by {@code count} of each, marked with
	 * {@code label}.
	 */
	private void write(String label, int count) {
		tenants.execute("TRUNCATE tenant_restory.invoices, tenant_restory.customers RESTART IDENTITY");
		List<String> old = redis.keys("tenant:" + TENANT + ":k*");
		if (!old.isEmpty()) {
			redis.del(old.toArray(String[]::new));
		}
		for (int i = 0; i < count; i++) {
			tenants.update("INSERT INTO tenant_restory.customers (name) VALUES (?)", label + " " + i);
			redis.set("tenant:" + TENANT + ":k" + i, label, SetArgs.Builder.px(600_000));
		}
	}

	/** The tenant's customers and its k* keys with their values. */
	private Map<String, Object> data() {
		Map<String, Object> data = new TreeMap<>();
		data.put("customers",
				tenants.queryForList("SELECT name FROM tenant_restory.customers ORDER BY id", String.class));
		Map<String, String> keys = new TreeMap<>();
		for (String key : redis.keys("tenant:" + TENANT + ":k*")) {
			keys.put(key, redis.get(key));
		}
		data.put("keys", keys);
		return data;
	}

	private static String backupDir() {
		return "--tenantforge.backup.dir=" + ControlPlaneProcess.WORK_DIR.resolve("backups");
	}

}
