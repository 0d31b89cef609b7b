package io.tenantforge.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import io.tenantforge.support.MutableClock;
import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pure parts of the router's per-tenant metrics: an access-log line (as Caddy 2.6.2
 * writes it, with the fields tenantforge drops removed) to host and status, a host to its
 * tenant, and the counting.
 */
@UnitTest
class RouterTrafficTest {

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final PublicUrls URLS = new PublicUrls(true, "tenants.test", 23443);

	/** A line Caddy 2.6.2 wrote through the filter encoder tenantforge configures. */
	private static final String LINE = "{\"level\":\"info\",\"ts\":1796131889.1365266,"
			+ "\"logger\":\"http.log.access.tenantforge\",\"msg\":\"handled request\",\"request\":"
			+ "{\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"acme.tenants.test:23443\"},"
			+ "\"duration\":0.000083776,\"size\":2,\"status\":%d}";

	@Test
	void anAccessLogLineGivesTheHostWithoutPortAndTheStatus() {
		assertThat(AccessLogEntry.parse(LINE.formatted(200), JSON))
			.contains(new AccessLogEntry("acme.tenants.test", 200));
		AccessLogEntry suspended = AccessLogEntry.parse(LINE.formatted(503), JSON).orElseThrow();
		assertThat(suspended.code()).isEqualTo("5xx");
		assertThat(suspended.serverError()).isTrue();
		assertThat(AccessLogEntry.parse(LINE.formatted(404), JSON).orElseThrow().serverError()).isFalse();
	}

	@Test
	void statusZeroIsTheEmpty200CaddyAnswered() {
		// Caddy logs 0 when no handler wrote anything (no route matched the Host)
		assertThat(AccessLogEntry.parse(LINE.formatted(0), JSON).orElseThrow().code()).isEqualTo("2xx");
	}

	@ParameterizedTest
	@CsvSource({ "acme.tenants.test:23443,acme.tenants.test", "Shop.Acme.COM,shop.acme.com",
			"shop.acme.com.,shop.acme.com", "[::1]:443,[::1]", "127.0.0.1:8443,127.0.0.1",
			"acme.tenants.test,acme.tenants.test" })
	void theHostLosesItsPortCaseAndTrailingDot(String host, String name) {
		assertThat(AccessLogEntry.withoutPort(host)).isEqualTo(name);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "''", "not json", "{}", "{\"request\":{\"host\":\"a.b\"}}",
					"{\"request\":{\"host\":7},\"status\":200}", "{\"status\":200}", "[1,2]",
					"{\"level\":\"info\",\"logger\":\"admin\",\"msg\":\"stopped previous server\"}" })
	void linesThatAreNoAccessLogEntryAreNone(String line) {
		assertThat(AccessLogEntry.parse(line, JSON)).isEmpty();
	}

	@Test
	void statusClassesAndOther() {
		assertThat(new AccessLogEntry("h", 101).code()).isEqualTo("1xx");
		assertThat(new AccessLogEntry("h", 302).code()).isEqualTo("3xx");
		assertThat(new AccessLogEntry("h", 499).code()).isEqualTo("4xx");
		assertThat(new AccessLogEntry("h", 599).code()).isEqualTo("5xx");
		assertThat(new AccessLogEntry("h", 600).code()).isEqualTo("other");
		assertThat(new AccessLogEntry("h", 42).code()).isEqualTo("other");
	}

	@Test
	void theHostTableHasLiveTenantsOwnHostnamesAndTheirDomainsOnly() {
		Map<String, String> table = TenantHosts.table(
				List.of(tenant("acme", TenantStatus.ACTIVE), tenant("zed", TenantStatus.SUSPENDED),
						tenant("gone", TenantStatus.DELETED)),
				Map.of("acme", List.of("shop.acme.com"), "gone", List.of("old.gone.com")), URLS);
		assertThat(table).containsOnly(Map.entry("acme.tenants.test", "acme"), Map.entry("shop.acme.com", "acme"),
				Map.entry("zed.tenants.test", "zed"));
	}

	@Test
	void unknownHostsShareOneSeriesAndTheTableIsReadAgainAtMostOncePerSecondOnAMiss() {
		AtomicInteger reads = new AtomicInteger();
		List<Tenant> tenants = new ArrayList<>(List.of(tenant("acme", TenantStatus.ACTIVE)));
		MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
		TenantHosts hosts = new TenantHosts(() -> {
			reads.incrementAndGet();
			return TenantHosts.table(tenants, Map.of(), URLS);
		}, clock);
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		RouterTraffic traffic = new RouterTraffic(hosts, registry, JSON);

		traffic.count(LINE.formatted(200));
		traffic.count(LINE.formatted(200));
		traffic.count(LINE.formatted(503));
		traffic.count(LINE.formatted(200).replace("acme.tenants.test", "made-up-1.example"));
		traffic.count(LINE.formatted(200).replace("acme.tenants.test", "made-up-2.tenants.test"));
		traffic.count("garbage");

		assertThat(registry.get("tenantforge.router.requests").tags("tenant", "acme", "code", "2xx").counter().count())
			.isEqualTo(2);
		assertThat(registry.get("tenantforge.router.requests").tags("tenant", "acme", "code", "5xx").counter().count())
			.isEqualTo(1);
		assertThat(registry.get("tenantforge.router.errors").tags("tenant", "acme").counter().count()).isEqualTo(1);
		assertThat(
				registry.get("tenantforge.router.requests").tags("tenant", "unknown", "code", "2xx").counter().count())
			.isEqualTo(2);
		assertThat(registry.get("tenantforge.router.requests").counters()).hasSize(3);
		assertThat(registry.get("tenantforge.router.log.lines.unreadable").counter().count()).isEqualTo(1);
		assertThat(reads).as("one read, then misses within the second reuse it").hasValue(1);

		// a tenant created since: its host is a miss, read again once a second has passed
		tenants.add(tenant("newco", TenantStatus.ACTIVE));
		assertThat(hosts.tenantOf("newco.tenants.test")).isEqualTo(TenantHosts.UNKNOWN);
		clock.advance(java.time.Duration.ofMillis(1500));
		assertThat(hosts.tenantOf("newco.tenants.test")).isEqualTo("newco");
		assertThat(reads).hasValue(2);
		// a deleted tenant's host is unknown after at most MAX_AGE
		tenants.clear();
		assertThat(hosts.tenantOf("acme.tenants.test")).isEqualTo("acme");
		clock.advance(TenantHosts.MAX_AGE.plusSeconds(1));
		assertThat(hosts.tenantOf("acme.tenants.test")).isEqualTo(TenantHosts.UNKNOWN);
	}

	private static Tenant tenant(String id, TenantStatus status) {
		DesiredState desired = status == TenantStatus.DELETED ? DesiredState.DELETED
				: status == TenantStatus.SUSPENDED ? DesiredState.SUSPENDED : DesiredState.ACTIVE;
		return new Tenant(id, id, "basic", desired, status, 1, 1, 21000, List.of(), null, 0, Instant.now(),
				Instant.now(), Instant.now(), Instant.now());
	}

}
