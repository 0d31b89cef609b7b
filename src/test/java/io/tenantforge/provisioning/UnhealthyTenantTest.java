package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A tenant whose container never answers /health ends FAILED with the reason, not stuck
 * in PROVISIONING. The product image is swapped for the smoke image's {@code unhealthy}
 * variant, as an operator rolling out a bad release would.
 */
@IntegrationTest
class UnhealthyTenantTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	RuntimeProperties runtime;

	private String productImage;

	@BeforeEach
	void rollOutABadRelease() {
		fixtures.purge("doomed");
		productImage = runtime.getImage();
		runtime.setImage("tenantforge/tenant-smoke:unhealthy");
	}

	@AfterEach
	void rollBack() {
		runtime.setImage(productImage);
		fixtures.awaitSettled("doomed", Duration.ofSeconds(60));
		fixtures.purge("doomed");
	}

	@Test
	void containerThatNeverBecomesHealthyEndsFailedWithTheReason() {
		assertThat(api.postOrder(anOrder().withSubdomain("doomed").build()).statusCode()).isEqualTo(202);

		fixtures.awaitStatus("doomed", TenantStatus.FAILED, Duration.ofSeconds(60));

		JsonNode tenant = api.tenant("doomed");
		JsonNode healthy = null;
		for (JsonNode condition : tenant.path("conditions")) {
			if (condition.path("type").asText().equals("Healthy")) {
				healthy = condition;
			}
		}
		assertThat(healthy).isNotNull();
		assertThat(healthy.path("status").asText()).isEqualTo("False");
		assertThat(healthy.path("message").asText()).contains("did not become healthy", "within 8s");
		assertThat(tenant.path("conditions").findValuesAsText("reason")).containsExactly("RolledBack", "RolledBack",
				"RolledBack", "StepFailed");
		assertThat(fixtures.footprint()).as("a failed first provisioning is rolled back")
			.noneMatch(resource -> resource.contains("doomed"));
	}

	@Test
	void orderingAFailedTenantAgainStartsClean() {
		api.postOrder(anOrder().withSubdomain("doomed").build());
		fixtures.awaitStatus("doomed", TenantStatus.FAILED, Duration.ofSeconds(60));
		runtime.setImage(productImage);

		assertThat(api.postOrder(anOrder().withSubdomain("doomed").build()).statusCode()).isEqualTo(202);

		fixtures.awaitStatus("doomed", TenantStatus.ACTIVE, Duration.ofSeconds(60));
	}

}
