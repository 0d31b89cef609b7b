package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ServicePurge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The warm pool under SIGKILL (issue 16): a control plane killed while it fills a slot
 * leaves a half-made one, which the next drops (whichever control plane holds the fill
 * lock knows its filler is dead); one killed right after an order took a slot leaves the
 * tenant with the slot's role and schema under its own names, and the next finishes that
 * tenant on them. No slot is taken twice and none is left over.
 */
class WarmPoolCrashIT {

	private static final String TENANT = "poolcrash";

	private static final Duration STEP = Duration.ofSeconds(90);

	/** Slot roles of this test's tenants database (roles belong to the whole cluster). */
	private static final String OURS = "AND shobj_description(oid, 'pg_authid') = "
			+ "'managed-by=tenantforge pool-slot db=tenantforge_process_tenants' ";

	private final ServicePurge purge = ControlPlaneProcess.purge();

	private final JdbcTemplate tenants = new JdbcTemplate(
			new DriverManagerDataSource(ControlPlaneProcess.TENANTS_DB, "postgres", ""));

	@BeforeEach
	@AfterEach
	void clean() {
		purge.purge(TENANT);
		for (String slot : tenants
			.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tfpool\\_%' UNION "
					+ "SELECT rolname FROM pg_roles WHERE rolname LIKE 'tfpool\\_%' " + OURS, String.class)) {
			tenants.execute("DROP SCHEMA IF EXISTS " + slot + " CASCADE");
			tenants.execute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + slot
					+ "') THEN EXECUTE 'DROP OWNED BY " + slot + "'; EXECUTE 'DROP ROLE " + slot + "'; END IF; END $$");
		}
	}

	@Test
	void sigkillWhileFillingOrRightAfterTakingASlotConverges() {
		// a large pool: its first pass fills for seconds, and is killed in the middle
		try (ControlPlaneProcess first = ControlPlaneProcess.start("--tenantforge.pool.size=20",
				"--tenantforge.pool.refill-every=1h")) {
			await().atMost(STEP).pollInterval(Duration.ofMillis(2)).until(() -> !filling().isEmpty());
			first.kill();
		}
		List<String> halfMade = filling();
		assertThat(halfMade).as("the slot the killed filler left half-made").isNotEmpty();

		Set<Long> slots;
		long taken;
		try (ControlPlaneProcess second = ControlPlaneProcess.start("--tenantforge.pool.size=3",
				"--tenantforge.pool.refill-every=1h", "--tenantforge.provisioning.halt-after-step=database")) {
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> filling().isEmpty() && readyPerTier().equals(List.of(3L, 3L, 3L)));
			assertThat(tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname = ANY (?)", String.class,
					(Object) halfMade.toArray(String[]::new)))
				.as("half-made slots dropped")
				.isEmpty();
			slots = slotOids();
			assertThat(second.post("/api/v1/tenants", anOrder().withSubdomain(TENANT).withTier("basic").build())
				.statusCode()).isEqualTo(202);
			second.awaitLog("halted after step database of tenant " + TENANT, STEP);
			second.kill();
			taken = schemaOid();
			assertThat(taken).as("the tenant's schema is a slot's").isIn(slots);
		}

		try (ControlPlaneProcess third = ControlPlaneProcess.start("--tenantforge.pool.size=3",
				"--tenantforge.pool.refill-every=1h")) {
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> third.status(TENANT).equals("ACTIVE"));
			assertThat(schemaOid()).as("finished on the slot it took").isEqualTo(taken);
			await().atMost(STEP)
				.pollInterval(Duration.ofMillis(250))
				.until(() -> filling().isEmpty() && readyPerTier().equals(List.of(3L, 3L, 3L)));
			Set<Long> now = slotOids();
			assertThat(now).as("the taken slot is no slot any more").doesNotContain(taken);
			assertThat(
					tenants.queryForObject(
							"SELECT count(*) FROM pg_roles r WHERE r.rolname LIKE 'tfpool\\_%' " + OURS
									+ "AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = r.rolname)",
							Long.class))
				.as("slot roles without their schema")
				.isZero();
		}
	}

	private List<String> filling() {
		return tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tfpool\\_%' "
				+ "AND obj_description(oid, 'pg_namespace') LIKE '%state=filling'", String.class);
	}

	/** Ready slots per tier at schema 1, tiers by name. */
	private List<Long> readyPerTier() {
		return tenants.queryForList(
				"SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tfpool\\_%' "
						+ "AND obj_description(oid, 'pg_namespace') LIKE '%schema=1 state=ready' "
						+ "GROUP BY substring(obj_description(oid, 'pg_namespace') from 'tier=(\\S+)') ORDER BY 1",
				Long.class);
	}

	private Set<Long> slotOids() {
		return new HashSet<>(tenants
			.queryForList("SELECT oid::bigint FROM pg_namespace WHERE nspname LIKE 'tfpool\\_%'", Long.class));
	}

	private long schemaOid() {
		return tenants.queryForObject("SELECT oid::bigint FROM pg_namespace WHERE nspname = 'tenant_" + TENANT + "'",
				Long.class);
	}

}
