package io.tenantforge.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.support.UnitTest;

import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

/**
 * The desired route and the sweep's drift, without a router: pure functions of tenants,
 * domains and routes.
 */
@UnitTest
class RouteSpecTest {

	private static final PublicUrls URLS = new PublicUrls(true, "tenants.test", 23443);

	private static final RoutingProperties SETTINGS = new RoutingProperties(true, "tenants.test",
			"http://127.0.0.1:23019", "127.0.0.1", 23443, null, "internal", null, Duration.ofSeconds(5), null, null,
			null, null, null, null);

	private final ObjectMapper json = new ObjectMapper();

	@Test
	void anActiveTenantIsRoutedToItsContainerOnItsOwnHostnameFirstThenItsDomains() {
		RouteSpec spec = RouteSpec
			.desired(tenant("acme", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21005),
					List.of("shop.acme.com", "a.acme.org"), URLS)
			.orElseThrow();
		assertThat(spec.id()).isEqualTo("tenantforge-tenant-acme");
		assertThat(spec.hosts()).containsExactly("acme.tenants.test", "a.acme.org", "shop.acme.com");
		assertThat(spec.upstream()).isEqualTo("127.0.0.1:21005");
		JsonNode caddy = json.valueToTree(spec.toCaddy(SETTINGS));
		assertThat(caddy.at("/handle/0/handler").asText()).isEqualTo("reverse_proxy");
		assertThat(caddy.at("/handle/0/upstreams/0/dial").asText()).isEqualTo("127.0.0.1:21005");
		assertThat(caddy.at("/handle/0/load_balancing/try_duration").asText()).isEqualTo("5000ms");
		assertThat(caddy.at("/@id").asText()).isEqualTo("tenantforge-tenant-acme");
	}

	@Test
	void aSuspendedTenantGetsTheSuspendedPageAndADeletedOneNoRoute() {
		RouteSpec suspended = RouteSpec
			.desired(tenant("acme", DesiredState.SUSPENDED, TenantStatus.SUSPENDED, 21005), List.of(), URLS)
			.orElseThrow();
		JsonNode caddy = json.valueToTree(suspended.toCaddy(SETTINGS));
		assertThat(caddy.at("/handle/0/handler").asText()).isEqualTo("static_response");
		assertThat(caddy.at("/handle/0/status_code").asInt()).isEqualTo(503);
		assertThat(caddy.at("/handle/0/body").asText()).contains("suspended");
		assertThat(RouteSpec.desired(tenant("acme", DesiredState.DELETED, TenantStatus.DEPROVISIONING, 21005),
				List.of(), URLS))
			.isEmpty();
		assertThat(RouteSpec.desired(tenant("acme", DesiredState.ACTIVE, TenantStatus.PROVISIONING, null), List.of(),
				URLS))
			.isEmpty();
	}

	@Test
	void theSweepRepairsMissingAndDriftedRoutesReportsOrphansAndLeavesReconcilingTenantsAlone() {
		Tenant ok = tenant("okay", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21001);
		Tenant missing = tenant("missing", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21002);
		Tenant moved = tenant("moved", DesiredState.ACTIVE, TenantStatus.DEGRADED, 21003);
		Tenant suspended = tenant("paused", DesiredState.SUSPENDED, TenantStatus.SUSPENDED, 21004);
		Tenant busy = new Tenant("busy", "busy", "basic", DesiredState.ACTIVE, TenantStatus.PROVISIONING, 2, 1, 21005,
				List.of(), null, 0, Instant.now(), Instant.now(), Instant.now(), Instant.now());
		Tenant deleted = tenant("gone", DesiredState.DELETED, TenantStatus.DELETED, null);
		List<JsonNode> observed = List.of(caddy(ok, List.of()),
				caddy(tenant("moved", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21999), List.of()),
				// a proxy where the suspended page belongs
				caddy(tenant("paused", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21004), List.of()),
				caddy(tenant("busy", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21777), List.of()),
				caddy(tenant("gone", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21006), List.of()),
				json.valueToTree(Map.of("match", List.of(Map.of("host", List.of("by-hand.example"))))),
				caddy(tenant("stranger", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21008), List.of()));

		RouteDrift drift = RouteDrift.of(List.of(ok, missing, moved, suspended, busy, deleted),
				Map.of("okay", List.of()), observed, URLS, spec -> json.valueToTree(spec.toCaddy(SETTINGS)));

		assertThat(drift.repairs()).extracting(RouteDrift.Repair::tenantId)
			.containsExactlyInAnyOrder("missing", "moved", "paused");
		assertThat(drift.repairs()).filteredOn(r -> r.tenantId().equals("missing"))
			.extracting(RouteDrift.Repair::reason)
			.containsExactly("route missing");
		assertThat(drift.orphans()).extracting(RouteDrift.OrphanRoute::name)
			.containsExactlyInAnyOrder("tenantforge-tenant-gone", "hosts by-hand.example",
					"tenantforge-tenant-stranger");
		assertThat(drift.orphans()).extracting(RouteDrift.OrphanRoute::claimedBy)
			.containsExactlyInAnyOrder("gone", null, "stranger");
	}

	@Test
	void aDomainChangeIsDrift() {
		Tenant acme = tenant("acme", DesiredState.ACTIVE, TenantStatus.ACTIVE, 21001);
		RouteDrift drift = RouteDrift.of(List.of(acme), Map.of("acme", List.of("shop.acme.com")),
				List.of(caddy(acme, List.of())), URLS, spec -> json.valueToTree(spec.toCaddy(SETTINGS)));
		assertThat(drift.repairs()).extracting(RouteDrift.Repair::reason)
			.containsExactly("route drifted from its spec");
	}

	private JsonNode caddy(Tenant tenant, List<String> domains) {
		return json.valueToTree(RouteSpec.desired(tenant, domains, URLS).orElseThrow().toCaddy(SETTINGS));
	}

	private static Tenant tenant(String id, DesiredState desired, TenantStatus status, Integer port) {
		return new Tenant(id, id, "basic", desired, status, 1, 1, port, List.of(), null, 0, Instant.now(),
				Instant.now(), Instant.now(), Instant.now());
	}

}
