package io.tenantforge.posture;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.cache.AclUser;
import io.tenantforge.cache.RedisAdmin;
import io.tenantforge.intake.Inbox;
import io.tenantforge.intake.IntakeProperties;
import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.runtime.ManagedContainer;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.posture.PostureFinding.Kind;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The host posture check: what on this machine would let a tenant reach beyond its own
 * resources. Runs at start-up and on every health sweep; each finding is in
 * {@code GET /api/v1/fleet/posture}, the fleet page, the {@code posture} health
 * contributor and the gauge {@code tenantforge_posture_findings{finding}}.
 * <p>
 * Each check looks at the real thing, not at our configuration of it: PostgreSQL's parsed
 * {@code pg_hba.conf} and its CONNECT privileges, Redis's ACL list, an anonymous login
 * attempt on the broker, the network mode of the labelled containers, the inbox's mode. A
 * check that cannot run is listed as unchecked, never as a pass.
 */
@Component
public class PostureCheck {

	private static final Logger log = LoggerFactory.getLogger(PostureCheck.class);

	private static final Duration BROKER_RECHECK = Duration.ofMinutes(10);

	private static final String TRUST_RULES = """
			SELECT line_number, type, database, user_name, coalesce(address, '') AS address
			FROM pg_hba_file_rules
			WHERE auth_method = 'trust' AND error IS NULL
			ORDER BY line_number""";

	/**
	 * Databases other than this one that PUBLIC, and so every tenant role, or any tenant
	 * role may connect to.
	 */
	private static final String OTHER_DATABASES = """
			SELECT d.datname,
			       has_database_privilege('public', d.oid, 'CONNECT') AS public_connect,
			       (SELECT count(*) FROM pg_roles r
			        WHERE r.rolname LIKE 'tenant\\_%' AND NOT r.rolsuper
			          AND has_database_privilege(r.oid, d.oid, 'CONNECT')) AS tenant_roles
			FROM pg_database d
			WHERE d.datallowconn AND d.datname <> current_database()
			ORDER BY d.datname""";

	private final DataSource tenantsDatabase;

	private final RedisAdmin redis;

	private final TenantRuntime containers;

	private final Inbox inbox;

	private final String brokerUrl;

	private final PostureProperties properties;

	private final RuntimeProperties runtime;

	private final Map<Kind, AtomicInteger> gauges = new EnumMap<>(Kind.class);

	private volatile PostureReport latest;

	private volatile BrokerVerdict brokerVerdict;

	PostureCheck(@Qualifier("tenantsDataSource") DataSource tenantsDatabase, RedisAdmin redis, TenantRuntime containers,
			Inbox inbox, IntakeProperties intake, Environment environment, PostureProperties properties,
			RuntimeProperties runtime, MeterRegistry registry) {
		this.runtime = runtime;
		this.tenantsDatabase = tenantsDatabase;
		this.redis = redis;
		this.containers = containers;
		this.inbox = inbox;
		this.properties = properties;
		boolean nativeBroker = "native".equals(environment.getProperty("spring.artemis.mode"));
		String url = nativeBroker ? environment.getProperty("spring.artemis.broker-url", "tcp://localhost:61616")
				: intake.brokerAcceptor();
		this.brokerUrl = url.replaceFirst("\\?.*$", "");
		for (Kind kind : Kind.values()) {
			AtomicInteger count = new AtomicInteger();
			gauges.put(kind, count);
			Gauge.builder("tenantforge_posture_findings", count, AtomicInteger::get)
				.description("Findings of the host posture check, by kind (0: none)")
				.tag("finding", kind.id())
				.register(registry);
		}
	}

	@EventListener(ApplicationReadyEvent.class)
	void atStartUp() {
		refresh("start-up");
	}

	/** Runs every check now (the health sweep calls this). */
	public PostureReport refresh() {
		return refresh("sweep");
	}

	public PostureReport refresh(String trigger) {
		List<PostureFinding> findings = new ArrayList<>();
		List<String> unchecked = new ArrayList<>();
		run("PostgreSQL pg_hba.conf", unchecked, () -> postgresTrust(findings));
		run("PostgreSQL CONNECT privileges", unchecked, () -> postgresOtherDatabases(findings));
		run("Redis default user", unchecked, () -> redisDefaultUser(findings));
		run("broker login", unchecked, () -> brokerAnonymous(findings));
		run("tenant container networks", unchecked, () -> hostNetwork(findings));
		run("order inbox", unchecked, () -> inboxMode(findings));
		PostureReport report = new PostureReport(Instant.now(), trigger, List.copyOf(findings), List.copyOf(unchecked));
		gauges.forEach((kind, gauge) -> gauge.set((int) findings.stream().filter(f -> f.kind() == kind).count()));
		PostureReport previous = latest;
		latest = report;
		if (previous == null || !previous.findings().equals(report.findings())) {
			if (findings.isEmpty()) {
				log.info("Host posture: no findings");
			}
			findings
				.forEach(f -> log.warn("Host posture finding {}: {} (fix: {})", f.kind().id(), f.detail(), f.fix()));
			unchecked.forEach(u -> log.warn("Host posture not checked: {}", u));
		}
		return report;
	}

	/** The newest report; checks now when none was made yet. */
	public PostureReport latest() {
		PostureReport report = latest;
		return report != null ? report : refresh("request");
	}

	public boolean enforced() {
		return properties.enforce();
	}

	private interface Check {

		void run() throws Exception;

	}

	private static void run(String what, List<String> unchecked, Check check) {
		try {
			check.run();
		}
		catch (Exception e) {
			unchecked.add(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
		}
	}

	private void postgresTrust(List<PostureFinding> findings) throws SQLException {
		try (Connection connection = tenantsDatabase.getConnection();
				PreparedStatement statement = connection.prepareStatement(TRUST_RULES);
				ResultSet rows = statement.executeQuery()) {
			String database = connection.getCatalog();
			while (rows.next()) {
				List<String> databases = strings(rows.getArray("database"));
				List<String> users = strings(rows.getArray("user_name"));
				boolean reachesTenantsDatabase = databases.contains("all") || databases.contains(database);
				boolean reachesTenantRoles = users.contains("all")
						|| users.stream().anyMatch(u -> u.startsWith("tenant_"));
				if (reachesTenantsDatabase && reachesTenantRoles) {
					findings.add(new PostureFinding(Kind.POSTGRES_TRUST,
							"pg_hba.conf line " + rows.getInt("line_number") + " (" + rows.getString("type") + " "
									+ String.join(",", databases) + " " + String.join(",", users) + " "
									+ rows.getString("address") + " trust) lets a tenant role in without a password",
							"replace trust with scram-sha-256 for the tenants database and roles in pg_hba.conf, "
									+ "then SELECT pg_reload_conf()"));
				}
			}
		}
	}

	private void postgresOtherDatabases(List<PostureFinding> findings) throws SQLException {
		try (Connection connection = tenantsDatabase.getConnection();
				PreparedStatement statement = connection.prepareStatement(OTHER_DATABASES);
				ResultSet rows = statement.executeQuery()) {
			while (rows.next()) {
				String name = rows.getString("datname");
				boolean publicConnect = rows.getBoolean("public_connect");
				long tenantRoles = rows.getLong("tenant_roles");
				if (publicConnect || tenantRoles > 0) {
					findings.add(new PostureFinding(Kind.POSTGRES_OTHER_DATABASES,
							"tenant roles may connect to database " + name
									+ (publicConnect ? " (PUBLIC has CONNECT)" : " (" + tenantRoles + " tenant roles)"),
							"REVOKE CONNECT ON DATABASE \"" + name + "\" FROM PUBLIC (and from tenant_* roles)"));
				}
			}
		}
	}

	private void redisDefaultUser(List<PostureFinding> findings) {
		for (AclUser user : redis.aclList()) {
			if (user.name().equals("default") && user.on() && user.nopass()) {
				findings.add(new PostureFinding(Kind.REDIS_DEFAULT_NOPASS,
						"the Redis default user is on and needs no password: any local process, a tenant included, "
								+ "is that user",
						"ACL SETUSER default off (and give the control plane a user of its own: spring.data.redis."
								+ "username/password), or at least ACL SETUSER default resetpass >a-long-password"));
			}
		}
	}

	/**
	 * A refused anonymous login is logged by the broker as a security problem; so it is
	 * tried at start-up and then at most every {@link #BROKER_RECHECK}, not on every
	 * sweep.
	 */
	private void brokerAnonymous(List<PostureFinding> findings) throws Exception {
		BrokerVerdict last = brokerVerdict;
		if (last != null && last.at().plus(BROKER_RECHECK).isAfter(Instant.now())) {
			last.finding().ifPresent(findings::add);
			return;
		}
		List<PostureFinding> found = new ArrayList<>();
		tryAnonymousLogin(found);
		brokerVerdict = new BrokerVerdict(Instant.now(), found.stream().findFirst());
		findings.addAll(found);
	}

	private record BrokerVerdict(Instant at, Optional<PostureFinding> finding) {
	}

	private void tryAnonymousLogin(List<PostureFinding> findings) throws Exception {
		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(
				brokerUrl + "?callTimeout=3000&initialConnectAttempts=1&reconnectAttempts=0")) {
			try (var connection = factory.createConnection()) {
				findings.add(new PostureFinding(Kind.BROKER_ANONYMOUS,
						"the order broker at " + brokerUrl + " accepted a connection without a login",
						"turn broker security on (the embedded broker always has it; an external Artemis needs "
								+ "--require-login and the roles of the README)"));
			}
			catch (jakarta.jms.JMSSecurityException refused) {
				// the answer we want
			}
		}
	}

	/**
	 * Host networking is a finding while tenant containers are on the host network, and
	 * in the {@code host} mode even while there are none yet: the next one provisioned
	 * will be. In the isolated mode only containers really found on the host network
	 * count (ones created before the mode was switched).
	 */
	private void hostNetwork(List<PostureFinding> findings) {
		long onHost = containers.listManaged().stream().filter(ManagedContainer::onHostNetwork).count();
		hostNetworkFinding(onHost, runtime.getNetwork()).ifPresent(findings::add);
	}

	/**
	 * The host-network finding for {@code onHost} labelled containers seen on the host
	 * network in this mode.
	 */
	static Optional<PostureFinding> hostNetworkFinding(long onHost, NetworkMode mode) {
		boolean hostMode = mode == NetworkMode.HOST;
		if (onHost == 0 && !hostMode) {
			return Optional.empty();
		}
		return Optional.of(new PostureFinding(Kind.TENANT_HOST_NETWORK,
				"tenant containers run with host networking (" + onHost + " now"
						+ (hostMode ? ", and every new one: tenantforge.runtime.network=host" : "") + "): each reaches "
						+ "every service on the host's loopback (PostgreSQL, Redis, the broker, the control plane, "
						+ "other tenants)",
				hostMode ? "set tenantforge.runtime.network=isolated (a network per tenant: see the README), with "
						+ "PostgreSQL and Redis listening on the address in tenantforge.database/cache.tenant-host"
						: "recreate the tenants still on the host network (delete and order again) so they get "
								+ "networks of their own"));
	}

	private void inboxMode(List<PostureFinding> findings) {
		if (inbox.worldWritable()) {
			findings.add(new PostureFinding(Kind.INBOX_WORLD_WRITABLE,
					"the order inbox " + inbox.inbox() + " is writable by other users; no file in it is read",
					"chmod o-w " + inbox.inbox() + " (the control plane creates it 0770)"));
		}
	}

	private static List<String> strings(Array array) throws SQLException {
		return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
	}

}
