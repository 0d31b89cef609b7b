package io.tenantforge.database;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.DaemonThreads;
import io.tenantforge.support.SqlFaults;
import io.tenantforge.tenant.TenantVersions;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jmx.export.annotation.ManagedAttribute;
import org.springframework.jmx.export.annotation.ManagedResource;
import org.springframework.stereotype.Component;

/**
 * The warm pool of the database step: for each tier, {@code tenantforge.pool.size} role +
 * schema pairs made ahead of orders exactly as the database step makes a tenant's
 * (attributes and settings of the tier, closed to PUBLIC, the tenant migrations applied
 * as the slot's own role up to the fleet's current schema version), under a name of their
 * own ({@code tfpool_<random>}, the same for role and schema) and marked as pool slots,
 * so neither the tenant queries nor the sweep's orphan search (both {@code tenant_*})
 * ever see them.
 * <p>
 * An order takes a slot inside the database step's transaction, under its DDL lock
 * ({@link #take}): the role and schema are renamed to the tenant's names and marked as
 * its, so a slot is taken once or not at all, by whichever control plane, SIGKILL or not.
 * The step then goes on as for a role and schema it made itself (password, ownership
 * record).
 * <p>
 * {@link #refill} runs on a timer and after each slot taken, on one thread, filling one
 * slot at a time while holding a PostgreSQL advisory lock ({@code FILL_LOCK}): one
 * control plane fills at a time, and a slot still marked {@code filling} that it finds
 * was left by a filler that died (the lock would be held otherwise) and is dropped. Slots
 * of another schema version (a rollout or a new release moved the fleet's version), of a
 * tier that no longer exists, or damaged by hand are dropped and made again.
 */
@Component
@ManagedResource(objectName = "io.tenantforge:type=SchemaPool", description = "The database step's warm pool")
public class SchemaPool {

	private static final Logger log = LoggerFactory.getLogger(SchemaPool.class);

	/** The name prefix of every slot's role and schema. */
	public static final String PREFIX = "tfpool_";

	/**
	 * The comment of a slot's role, naming the tenants database: roles belong to the
	 * whole PostgreSQL cluster, which may hold several tenants databases.
	 */
	private final String roleMark;

	private static final Pattern SCHEMA_MARK = Pattern
		.compile("managed-by=tenantforge pool-slot tier=(\\S+) schema=(\\S+) state=(filling|ready)");

	/** "tfpool" in ASCII. */
	private static final long FILL_LOCK = 0x7466_706f_6f6cL;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final HikariDataSource tenants;

	private final PoolProperties pool;

	private final TenantDatabaseProperties database;

	private final TierCatalog tiers;

	private final TenantVersions versions;

	private final SchemaMigrator migrator;

	private final ExecutorService refiller = Executors
		.newSingleThreadExecutor(DaemonThreads.named("schema-pool-refill"));

	private final AtomicBoolean refillQueued = new AtomicBoolean();

	private final Map<String, AtomicInteger> ready = new ConcurrentHashMap<>();

	private final MeterRegistry meters;

	private volatile boolean drainedOnce;

	private volatile int size;

	SchemaPool(@Qualifier("tenantsDataSource") HikariDataSource tenants, PoolProperties pool,
			TenantDatabaseProperties database, TierCatalog tiers, TenantVersions versions, SchemaMigrator migrator,
			MeterRegistry meters) {
		this.tenants = tenants;
		this.pool = pool;
		this.database = database;
		this.tiers = tiers;
		this.versions = versions;
		this.migrator = migrator;
		this.meters = meters;
		this.size = pool.size();
		this.roleMark = "managed-by=tenantforge pool-slot db=" + database.databaseName();
	}

	/**
	 * A slot as the catalog shows it: {@code healthy} when role, owner and marks hold.
	 */
	public record Slot(String name, String tier, String schemaVersion, boolean ready, boolean healthy) {
	}

	/** What one refill pass did. */
	public record Refill(List<String> made, List<String> dropped) {
	}

	public boolean enabled() {
		return size > 0;
	}

	/** Slots kept ready per tier now. */
	@ManagedAttribute(description = "Slots kept ready per tier (0: off)")
	public int getSize() {
		return size;
	}

	/**
	 * Changes the slots kept per tier from the next refill pass on (which starts now):
	 * from the console (JMX), or a test. 0 turns the pool off and drops its slots.
	 */
	@ManagedAttribute(description = "Slots kept ready per tier (0: off, at most 50); a refill pass starts")
	public void setSize(int size) {
		new PoolProperties(size, pool.refillEvery()); // the same bounds as the setting
		this.size = size;
		drainedOnce = false;
		queueRefill();
	}

	/**
	 * Inside the database step's transaction, which holds the DDL lock, and only when the
	 * tenant has neither role nor schema yet: takes a ready slot of the tier at
	 * {@code schemaVersion} and gives it the tenant's names and marks. False when the
	 * pool is off or has no such slot (the step makes them itself).
	 */
	boolean take(Connection connection, String tenantId, String role, String schema, String tier, String schemaVersion)
			throws SQLException {
		if (!enabled()) {
			return false;
		}
		String slot = null;
		try (PreparedStatement query = connection.prepareStatement("""
				SELECT n.nspname FROM pg_namespace n
				  JOIN pg_roles r ON r.rolname = n.nspname AND shobj_description(r.oid, 'pg_authid') = ?
				 WHERE n.nspname LIKE 'tfpool\\_%' AND obj_description(n.oid, 'pg_namespace') = ?
				   AND pg_get_userbyid(n.nspowner) = n.nspname
				 ORDER BY n.oid LIMIT 1""")) {
			query.setString(1, roleMark);
			query.setString(2, schemaMark(tier, schemaVersion, true));
			try (ResultSet rs = query.executeQuery()) {
				if (rs.next()) {
					slot = rs.getString(1);
				}
			}
		}
		if (slot == null) {
			log.debug("No ready pool slot of tier {} at schema {} for {}", tier, schemaVersion, tenantId);
			refillSoon();
			return false;
		}
		PGConnection pg = connection.unwrap(PGConnection.class);
		try (Statement sql = connection.createStatement()) {
			sql.execute("ALTER ROLE " + pg.escapeIdentifier(slot) + " RENAME TO " + pg.escapeIdentifier(role));
			sql.execute("ALTER SCHEMA " + pg.escapeIdentifier(slot) + " RENAME TO " + pg.escapeIdentifier(schema));
			// the migrations ran as the slot's role: the history names the tenant's, as
			// when they ran for the tenant
			sql.execute("UPDATE " + pg.escapeIdentifier(schema) + ".flyway_schema_history SET installed_by = "
					+ TenantDdl.literal(pg, role));
		}
		TenantDdl.mark(connection, "ROLE", role, TenantDatabaseProvisioner.OWNER_MARK + tenantId);
		TenantDdl.mark(connection, "SCHEMA", schema, TenantDatabaseProvisioner.OWNER_MARK + tenantId);
		log.info("Tenant {} takes pool slot {} (tier {}, schema {})", tenantId, slot, tier, schemaVersion);
		return true;
	}

	/** Starts a refill pass on the pool's thread unless one is already waiting. */
	public void refillSoon() {
		if (enabled()) {
			queueRefill();
		}
	}

	private void queueRefill() {
		if (refillQueued.compareAndSet(false, true)) {
			refiller.execute(() -> {
				refillQueued.set(false);
				try {
					refill();
				}
				catch (RuntimeException e) {
					log.warn("Refilling the schema pool failed (the next pass tries again): {}", e.getMessage());
				}
			});
		}
	}

	/**
	 * One pass: drops abandoned, stale and damaged slots, then makes slots until each
	 * tier has {@code size} ready at the fleet's current schema version. Does nothing
	 * while another control plane fills. With the pool off, drops every slot once.
	 */
	public synchronized Refill refill() {
		if (!enabled() && drainedOnce) {
			return new Refill(List.of(), List.of());
		}
		List<String> made = new ArrayList<>();
		List<String> dropped = new ArrayList<>();
		try (Connection holder = tenants.getConnection(); Statement lock = holder.createStatement()) {
			if (!tryLock(lock)) {
				return new Refill(made, dropped);
			}
			try {
				String version = versions.current().schemaVersion();
				for (Slot slot : slots()) {
					String why = !enabled() ? "the pool is off"
							: !slot.ready() ? "abandoned while filling" : !slot.healthy() ? "damaged"
									: tiers.find(slot.tier()).isEmpty() ? "tier " + slot.tier() + " is gone"
											: !slot.schemaVersion().equals(version)
													? "schema " + slot.schemaVersion() + ", the fleet is at " + version
													: null;
					if (why != null && dropped(slot.name(), why)) {
						dropped.add(slot.name() + ": " + why);
					}
				}
				drainedOnce = true;
				// a smaller size: the newest slots beyond it go
				for (String tier : tiers.tiers().keySet()) {
					List<String> fitting = fitting(slots(), tier, version);
					for (String extra : fitting.subList(Math.min(size, fitting.size()), fitting.size())) {
						String why = "more than " + size + " per tier";
						if (dropped(extra, why)) {
							dropped.add(extra + ": " + why);
						}
					}
				}
				if (enabled()) {
					for (String tier : tiers.tiers().keySet()) {
						for (int have = fitting(slots(), tier, version).size(); have < size; have++) {
							made.add(fill(tier, version));
						}
					}
				}
				publishReady(version);
			}
			finally {
				lock.execute("SELECT pg_advisory_unlock(" + FILL_LOCK + ")");
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("refilling the schema pool", e);
		}
		if (!made.isEmpty()) {
			log.info("Schema pool: made {} slot(s), {} per tier ready", made.size(), size);
		}
		return new Refill(made, dropped);
	}

	/** Every slot in the tenants database (one query), also orphaned roles of slots. */
	public List<Slot> slots() {
		List<Slot> slots = new ArrayList<>();
		try (Connection connection = tenants.getConnection();
				PreparedStatement query = connection.prepareStatement(
						"""
								SELECT 'schema' AS kind, n.nspname AS name, coalesce(obj_description(n.oid, 'pg_namespace'), '') AS mark,
								       pg_get_userbyid(n.nspowner) = n.nspname
								         AND coalesce((SELECT shobj_description(r.oid, 'pg_authid') FROM pg_roles r
								                        WHERE r.rolname = n.nspname), '') = ? AS role_ok, n.oid::bigint AS age
								  FROM pg_namespace n WHERE n.nspname LIKE 'tfpool\\_%'
								UNION ALL
								SELECT 'role', r.rolname, '', false, r.oid::bigint FROM pg_roles r
								 WHERE r.rolname LIKE 'tfpool\\_%' AND shobj_description(r.oid, 'pg_authid') = ?
								   AND NOT EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = r.rolname)
								 ORDER BY age""")) {
			query.setString(1, roleMark);
			query.setString(2, roleMark);
			try (ResultSet rs = query.executeQuery()) {
				while (rs.next()) {
					Matcher mark = SCHEMA_MARK.matcher(rs.getString("mark"));
					String name = rs.getString("name");
					if (mark.matches()) {
						slots.add(new Slot(name, mark.group(1), mark.group(2), mark.group(3).equals("ready"),
								rs.getBoolean("role_ok")));
					}
					else if (rs.getString("kind").equals("role")) {
						// a slot's role whose schema is gone (only roles carrying the
						// pool's
						// mark come here; a tfpool_ schema without it is not ours)
						slots.add(new Slot(name, "", "", false, false));
					}
				}
			}
		}
		catch (SQLException e) {
			throw SqlFaults.classify("listing the schema pool", e);
		}
		return slots;
	}

	/** Slots ready per tier, as the last refill pass counted them. */
	public Map<String, Integer> readyPerTier() {
		Map<String, Integer> counts = new TreeMap<>();
		ready.forEach((tier, count) -> counts.put(tier, count.get()));
		return counts;
	}

	/** Makes one slot of the tier at the schema version; its name. */
	String fill(String tierName, String schemaVersion) throws SQLException {
		Tier tier = tiers.get(tierName);
		String name = PREFIX + HexFormat.of().formatHex(bytes(6));
		try (Connection connection = tenants.getConnection()) {
			connection.setAutoCommit(false);
			TenantDdl.lock(connection);
			TenantDdl.role(connection, name, false, roleMark, tier, database, false);
			TenantDdl.schema(connection, name, false, schemaMark(tierName, schemaVersion, false), name);
			connection.commit();
		}
		migrator.migrate(name, name, schemaVersion);
		try (Connection connection = tenants.getConnection()) {
			TenantDdl.mark(connection, "SCHEMA", name, schemaMark(tierName, schemaVersion, true));
		}
		return name;
	}

	/**
	 * Drops a slot, logging why; a slot that cannot be dropped now (a session of its role
	 * still open, say) is left for the next pass.
	 */
	private boolean dropped(String name, String why) {
		try {
			drop(name);
			log.info("Dropped pool slot {}: {}", name, why);
			return true;
		}
		catch (SQLException e) {
			log.warn("Cannot drop pool slot {} ({}) now: {}", name, why, e.getMessage());
			return false;
		}
	}

	/** Drops a slot's schema and role, each only if it carries the pool's mark. */
	void drop(String name) throws SQLException {
		try (Connection connection = tenants.getConnection()) {
			PGConnection pg = connection.unwrap(PGConnection.class);
			connection.setAutoCommit(false);
			TenantDdl.lock(connection);
			try (Statement sql = connection.createStatement()) {
				if (TenantDdl.comment(connection, "pg_namespace", "nspname", name)
					.map(mark -> SCHEMA_MARK.matcher(mark).matches())
					.orElse(false)) {
					sql.execute("DROP SCHEMA " + pg.escapeIdentifier(name) + " CASCADE");
				}
				if (TenantDdl.comment(connection, "pg_roles", "rolname", name).map(roleMark::equals).orElse(false)) {
					sql.execute("DROP OWNED BY " + pg.escapeIdentifier(name));
					sql.execute("DROP ROLE " + pg.escapeIdentifier(name));
				}
			}
			connection.commit();
		}
	}

	private static byte[] bytes(int n) {
		byte[] bytes = new byte[n];
		RANDOM.nextBytes(bytes);
		return bytes;
	}

	private static String schemaMark(String tier, String schemaVersion, boolean ready) {
		return "managed-by=tenantforge pool-slot tier=" + tier + " schema=" + schemaVersion + " state="
				+ (ready ? "ready" : "filling");
	}

	private static boolean tryLock(Statement lock) throws SQLException {
		try (ResultSet rs = lock.executeQuery("SELECT pg_try_advisory_lock(" + FILL_LOCK + ")")) {
			rs.next();
			return rs.getBoolean(1);
		}
	}

	/** The names of the tier's slots an order at the version may take, oldest first. */
	private static List<String> fitting(List<Slot> slots, String tier, String version) {
		return slots.stream()
			.filter(s -> s.ready() && s.healthy() && s.tier().equals(tier) && s.schemaVersion().equals(version))
			.map(Slot::name)
			.toList();
	}

	/** Sets the ready gauge of each tier from one look at the slots. */
	private void publishReady(String version) {
		List<Slot> slots = slots();
		for (String tier : tiers.tiers().keySet()) {
			int count = fitting(slots, tier, version).size();
			ready.computeIfAbsent(tier, t -> {
				AtomicInteger gauge = new AtomicInteger();
				Gauge.builder("tenantforge.pool.ready", gauge, AtomicInteger::get)
					.description("Warm pool slots (role + migrated schema) ready for orders")
					.tag("tier", t)
					.register(meters);
				return gauge;
			}).set(count);
		}
	}

	/** Waits until the refills queued so far have run (tests). */
	void settle() throws Exception {
		refiller.submit(() -> {
		}).get(60, TimeUnit.SECONDS);
	}

	@PreDestroy
	void stop() {
		refiller.shutdownNow();
	}

}
