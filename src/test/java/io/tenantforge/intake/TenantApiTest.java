package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The REST contract around orders: idempotency, conflicts, lookups and authentication.
 */
@IntegrationTest
class TenantApiTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@BeforeEach
	void clean() {
		fixtures.purge("initech");
	}

	@AfterEach
	void settleAndClean() {
		fixtures.awaitSettled("initech", Duration.ofSeconds(60));
		fixtures.purge("initech");
	}

	@Test
	void sameOrderTwiceYieldsTheSameTenantAndADifferentSpecIsAConflict() {
		String order = anOrder().withName("Initech").withSubdomain("initech").build();

		HttpResponse<String> first = api.postOrder(order);
		HttpResponse<String> again = api.postOrder(order);
		HttpResponse<String> otherTier = api
			.postOrder(anOrder().withName("Initech").withSubdomain("initech").withTier("pro").build());

		assertThat(first.statusCode()).isEqualTo(202);
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(api.read(again.body()).path("id").asText()).isEqualTo("initech");
		assertThat(api.read(again.body()).path("createdAt")).isEqualTo(api.read(first.body()).path("createdAt"));
		assertThat(otherTier.statusCode()).isEqualTo(409);
		assertThat(otherTier.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(api.read(otherTier.body()).path("detail").asText()).contains("initech");
		fixtures.awaitStatus("initech", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		assertThat(api.tenant("initech").path("tier").asText()).isEqualTo("basic");
	}

	@Test
	void sameOrderIdWithADifferentSpecIsAConflict() {
		assertThat(api.postOrder(anOrder().withSubdomain("initech").withOrderId("ord-1").build()).statusCode())
			.isEqualTo(202);
		assertThat(api.postOrder(anOrder().withSubdomain("initech").withOrderId("ord-1").build()).statusCode())
			.isEqualTo(200);
		assertThat(api.postOrder(anOrder().withSubdomain("initech").withName("Other").withOrderId("ord-1").build())
			.statusCode()).isEqualTo(409);
	}

	@Test
	void listAndGetShowTheTenantAndUnknownIdsAre404() {
		api.postOrder(anOrder().withName("Initech").withSubdomain("initech").build());

		assertThat(api.read(api.get("/api/v1/tenants").body()).findValuesAsText("id")).contains("initech");
		HttpResponse<String> missing = api.get("/api/v1/tenants/nobody-here");
		assertThat(missing.statusCode()).isEqualTo(404);
		assertThat(missing.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
	}

	@Test
	void everyApiPathNeedsCredentialsAndNoneIsEchoedBack() {
		assertThat(api.getWithoutCredentials("/api/v1/tenants").statusCode()).isEqualTo(401);
		assertThat(api.getWithoutCredentials("/api/v1/tenants/initech").statusCode()).isEqualTo(401);
		assertThat(
				api.postWithoutCredentials("/api/v1/tenants", anOrder().withSubdomain("initech").build()).statusCode())
			.isEqualTo(401);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM tenants WHERE id = 'initech'", Long.class)).isZero();

		HttpResponse<String> listed = api.get("/api/v1/tenants");
		assertThat(listed.statusCode()).isEqualTo(200);
		assertThat(listed.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("Authorization"));
	}

}
