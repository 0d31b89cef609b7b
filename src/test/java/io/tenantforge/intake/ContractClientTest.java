package io.tenantforge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import io.tenantforge.client.ApiClient;
import io.tenantforge.client.ApiException;
import io.tenantforge.client.api.LifecycleApi;
import io.tenantforge.client.api.TenantsApi;
import io.tenantforge.client.model.Condition;
import io.tenantforge.client.model.Tenant;
import io.tenantforge.client.model.TenantOrder;
import io.tenantforge.client.model.TenantStatus;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A client generated from the API's contract (openapi-generator, Java, {@code native};
 * see the pom) works against the control plane as an outside tool would use it.
 */
@IntegrationTest
class ContractClientTest {

	private static final String SLUG = "generated-client";

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@BeforeEach
	@AfterEach
	void clean() {
		fixtures.purge(SLUG);
	}

	@Test
	void aGeneratedClientOrdersATenantAndSeesItActiveThenDeletesIt() throws ApiException {
		ApiClient client = new ApiClient();
		client.updateBaseUri(api.baseUrl() + "/api/v1");
		String credentials = Base64.getEncoder()
			.encodeToString("operator:operator-password".getBytes(StandardCharsets.UTF_8));
		client.setRequestInterceptor(request -> request.header("Authorization", "Basic " + credentials));
		TenantsApi tenants = new TenantsApi(client);
		LifecycleApi lifecycle = new LifecycleApi(client);

		Tenant ordered = tenants.orderTenant(new TenantOrder().name("Generated Client").subdomain(SLUG).tier("basic"));

		assertThat(ordered.getId()).isEqualTo(SLUG);
		assertThat(ordered.getStatus()).isIn(TenantStatus.PENDING, TenantStatus.PROVISIONING);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> tenants.getTenant(SLUG).getStatus() == TenantStatus.ACTIVE);
		Tenant active = tenants.getTenant(SLUG);
		assertThat(active.getEndpoint()).startsWith("http://127.0.0.1:");
		assertThat(active.getConditions()).extracting(Condition::getStatus).containsOnly(Condition.StatusEnum.TRUE);
		assertThat(tenants.listTenants(null, null)).extracting(Tenant::getId).contains(SLUG);

		ApiException missing = catchThrowableOfType(ApiException.class, () -> tenants.getTenant("nobody-here"));
		assertThat(missing.getCode()).isEqualTo(404);
		assertThat(missing.getResponseBody()).contains("no tenant 'nobody-here'");

		assertThat(lifecycle.deleteTenant(SLUG).getStatus()).isEqualTo(TenantStatus.DEPROVISIONING);
		await().atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(250))
			.until(() -> tenants.getTenant(SLUG).getStatus() == TenantStatus.DELETED);
	}

}
