package io.tenantforge.database;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.SchemaFingerprint;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantVersions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The warm pool of the database step (issue 16) against the real PostgreSQL, Redis and
 * engine: two slots per tier, refilled after each slot taken (the timer's period is an
 * hour here, so every refill a test sees is one it caused). Its own context, closed after
 * the class: no other test runs beside a pool.
 */
@IntegrationTest
class WarmPoolTest {

	private static final Duration ACTIVE = Duration.ofSeconds(60);

	private static final List<String> TENANTS = List.of("poolfresh", "pooltaken", "poolrace1", "poolrace2", "poolrace3",
			"poolrace4");

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	SchemaPool pool;

	@Autowired
	TenantVersions versions;

	@Autowired
	RuntimeProperties runtime;

	JdbcTemplate tenants;

	@BeforeEach
	void fill() throws Exception {
		tenants = fixtures.tenantsDatabase();
		fixtures.purge(TENANTS.toArray(String[]::new));
		versions.resetCurrent();
		pool.setSize(2);
		pool.settle(); // what an earlier test queued has run
		pool.refill();
		assertThat(pool.readyPerTier()).containsEntry("basic", 2).containsEntry("pro", 2);
	}

	@AfterEach
	void clean() throws Exception {
		fixtures.purge(TENANTS.toArray(String[]::new));
		versions.resetCurrent();
		pool.setSize(0);
		pool.settle();
		assertThat(pool.refill().made()).isEmpty();
		assertThat(pool.slots()).as("slots left with the pool off").isEmpty();
	}

	@Test
	void aTakenSlotIsIndistinguishableFromAFreshlyProvisionedTenant() throws Exception {
		// the fleet moves to schema 2: the slots at 1 no longer fit, so this order is
		// provisioned from nothing, as with the pool off
		versions.setCurrent(new TenantVersions.Version(runtime.getImage(), "2"));
		Set<Long> slotsAt1 = slotOids();
		order("poolfresh", "basic");
		assertThat(schemaOid("poolfresh")).as("made fresh, not from a slot").isNotIn(slotsAt1);

		// its miss asked for a refill: the slots at 1 go, slots at 2 come
		pool.settle();
		pool.refill();
		assertThat(pool.slots()).hasSize(6).allMatch(s -> s.ready() && s.healthy() && s.schemaVersion().equals("2"));
		Set<Long> slotsAt2 = slotOids();
		order("pooltaken", "basic");
		assertThat(schemaOid("pooltaken")).as("taken from a slot").isIn(slotsAt2);

		assertThat(fingerprint("pooltaken")).hasSizeGreaterThan(25).isEqualTo(fingerprint("poolfresh"));
		for (String tenant : List.of("poolfresh", "pooltaken")) {
			try (Connection db = fixtures.connectAsTenant(tenant)) {
				assertThat(db.isValid(2)).isTrue();
			}
			assertThat(fixtures.controlPlaneDatabase()
				.queryForList("SELECT kind FROM tenant_resources WHERE tenant_id = ? ORDER BY kind", String.class,
						tenant))
				.as("ownership record of " + tenant)
				.containsExactly("container", "database-role", "database-schema", "redis-user", "router-route",
						"secret-dir");
		}
		// and the pool is whole again, by itself
		await().atMost(Duration.ofSeconds(20)).until(() -> readySlots("basic", "2") == 2);
	}

	@Test
	void ordersAtOnceNeverShareASlotAndThePoolRefillsBehindThem() {
		Set<Long> before = slotOids();
		List<String> racers = TENANTS.subList(2, 6);
		racers
			.forEach(id -> assertThat(api.postOrder(anOrder().withSubdomain(id).withTier("basic").build()).statusCode())
				.isEqualTo(202));
		List<CompletableFuture<Void>> waits = racers.stream()
			.map(id -> CompletableFuture.runAsync(() -> fixtures.awaitStatus(id, TenantStatus.ACTIVE, ACTIVE)))
			.toList();
		waits.forEach(CompletableFuture::join);

		List<Long> taken = new ArrayList<>();
		for (String id : racers) {
			long oid = schemaOid(id);
			if (before.contains(oid)) {
				taken.add(oid);
			}
			assertThat(fixtures.controlPlaneDatabase()
				.queryForObject("SELECT attempts FROM tenants WHERE id = ?", Integer.class, id))
				.as("failed attempts of " + id)
				.isZero();
		}
		assertThat(taken).as("slots taken").isNotEmpty().doesNotHaveDuplicates();
		await().atMost(Duration.ofSeconds(20)).until(() -> readySlots("basic", "1") == 2);
		assertThat(pool.slots()).as("nothing half-made or left over").allMatch(s -> s.ready() && s.healthy());
	}

	@Test
	void theRefillDropsAbandonedAndDamagedSlotsAndLeavesWhatIsNotItsOwn() throws Exception {
		List<String> basic = pool.slots().stream().filter(s -> s.tier().equals("basic")).map(s -> s.name()).toList();
		String abandoned = basic.get(0);
		String damaged = basic.get(1);
		// what a filler killed between its two steps leaves
		tenants.execute("COMMENT ON SCHEMA " + abandoned
				+ " IS 'managed-by=tenantforge pool-slot tier=basic schema=1 state=filling'");
		tenants.execute("ALTER SCHEMA " + damaged + " OWNER TO postgres");
		tenants.execute("CREATE SCHEMA tfpool_notours");
		// a slot role of another tenants database on this PostgreSQL (roles are the
		// cluster's): its schema is not here, and it is not this pool's
		tenants.execute("CREATE ROLE tfpool_otherdb NOLOGIN");
		tenants.execute("COMMENT ON ROLE tfpool_otherdb IS 'managed-by=tenantforge pool-slot db=elsewhere'");
		try {
			SchemaPool.Refill refill = pool.refill();

			assertThat(refill.dropped()).containsExactlyInAnyOrder(abandoned + ": abandoned while filling",
					damaged + ": damaged");
			assertThat(refill.made()).hasSize(2);
			assertThat(tenants.queryForList("SELECT nspname FROM pg_namespace WHERE nspname = ANY (?)", String.class,
					(Object) new String[] { abandoned, damaged, "tfpool_notours" }))
				.containsExactly("tfpool_notours");
			assertThat(tenants.queryForList("SELECT rolname FROM pg_roles WHERE rolname = ANY (?)", String.class,
					(Object) new String[] { abandoned, damaged }))
				.isEmpty();
			assertThat(readySlots("basic", "1")).isEqualTo(2);
			assertThat(
					tenants.queryForList("SELECT rolname FROM pg_roles WHERE rolname = 'tfpool_otherdb'", String.class))
				.as("another database's slot role")
				.hasSize(1);
		}
		finally {
			tenants.execute("DROP SCHEMA IF EXISTS tfpool_notours");
			tenants.execute("DROP ROLE IF EXISTS tfpool_otherdb");
		}
	}

	@Test
	void slotsAreNeitherTenantsNorOrphansAndTheirCountIsAMetric() {
		assertThat(fixtures.footprint()).noneMatch(entry -> entry.contains(SchemaPool.PREFIX));
		assertThat(api.get("/api/v1/tenants").body()).doesNotContain(SchemaPool.PREFIX);
		String report = api.post("/api/v1/fleet/sweep", "").body();
		assertThat(report).doesNotContain(SchemaPool.PREFIX);
		String metrics = api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).body();
		assertThat(metrics).contains("tenantforge_pool_ready{tier=\"basic\"} 2.0")
			.contains("tenantforge_pool_ready{tier=\"enterprise\"} 2.0");
	}

	private void order(String id, String tier) {
		assertThat(api.postOrder(anOrder().withSubdomain(id).withTier(tier).build()).statusCode()).isEqualTo(202);
		fixtures.awaitStatus(id, TenantStatus.ACTIVE, ACTIVE);
	}

	private Set<Long> slotOids() {
		return new HashSet<>(tenants
			.queryForList("SELECT oid::bigint FROM pg_namespace WHERE nspname LIKE 'tfpool\\_%'", Long.class));
	}

	private long schemaOid(String tenant) {
		return tenants.queryForObject("SELECT oid::bigint FROM pg_namespace WHERE nspname = ?", Long.class,
				new TenantNames(tenant).databaseSchema());
	}

	private long readySlots(String tier, String schema) {
		return pool.slots()
			.stream()
			.filter(s -> s.ready() && s.healthy() && s.tier().equals(tier) && s.schemaVersion().equals(schema))
			.count();
	}

	/**
	 * Everything PostgreSQL keeps about the tenant's role and schema that the database
	 * step sets, with the tenant's names written as {@code <tenant>}: attributes,
	 * settings, marks, privileges, and what {@link SchemaFingerprint} reads of the
	 * schema.
	 */
	private List<String> fingerprint(String tenant) {
		TenantNames names = new TenantNames(tenant);
		String role = names.databaseRole();
		String schema = names.databaseSchema();
		List<String> facts = new ArrayList<>();
		facts.addAll(tenants.queryForList("""
				SELECT concat_ws(' | ', r.rolcanlogin, r.rolinherit, r.rolsuper, r.rolcreatedb, r.rolcreaterole,
				       r.rolreplication, r.rolbypassrls, r.rolconnlimit, array_to_string(r.rolconfig, ','),
				       a.rolpassword LIKE 'SCRAM-SHA-256$%', shobj_description(r.oid, 'pg_authid'),
				       has_database_privilege(r.oid, current_database(), 'CONNECT'))
				  FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid WHERE r.rolname = ?""", String.class, role));
		facts.addAll(tenants.queryForList("""
				SELECT concat_ws(' | ', pg_get_userbyid(nspowner), nspacl::text, obj_description(oid, 'pg_namespace'))
				  FROM pg_namespace WHERE nspname = ?""", String.class, schema));
		facts.addAll(tenants.queryForList("""
				SELECT concat_ws(' | ', defaclobjtype, defaclacl::text) FROM pg_default_acl
				 WHERE defaclrole = (SELECT oid FROM pg_roles WHERE rolname = ?) ORDER BY 1""", String.class, role));
		facts.addAll(SchemaFingerprint.of(tenants, schema));
		return facts.stream()
			.map(fact -> fact.replace(role, "<tenant>").replace(schema, "<tenant>").replace(tenant, "<tenant>"))
			.toList();
	}

}
