package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.OutsideBroker.Received;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Orders dropped on the JMS queue tenant.orders by a program outside the control plane.
 */
@IntegrationTest
class QueueIntakeTest {

	@Autowired
	TenantFixtures fixtures;

	@BeforeEach
	void clean() {
		fixtures.purge("umbrella");
		OutsideBroker.drain("tenant.orders.DLQ", 100);
	}

	@AfterEach
	void settleAndClean() {
		fixtures.awaitSettled("umbrella", Duration.ofSeconds(60));
		fixtures.purge("umbrella");
	}

	@Test
	void orderSentToTheQueueFromOutsideBecomesActive() {
		OutsideBroker.send("tenant.orders", anOrder().withName("Umbrella").withSubdomain("umbrella").build());

		fixtures.awaitStatus("umbrella", TenantStatus.ACTIVE, Duration.ofSeconds(60));
	}

	@Test
	void malformedMessagesEndInTheDeadLetterQueueWithTheReasonAndProvisionNothing() {
		Set<String> before = fixtures.footprint();
		List<String> poison = List.of("{\"name\": \"Umbrella\", \"subdomain\": ",
				anOrder().withSubdomain("umbrella").withTier("platinum").build(),
				anOrder().withSubdomain("umbrella'; DROP ROLE postgres; --").build(), "", "\u0000\u0001binary");

		poison.forEach(body -> OutsideBroker.send("tenant.orders", body));

		List<Received> dead = new ArrayList<>();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			dead.addAll(OutsideBroker.drain("tenant.orders.DLQ", 200));
			assertThat(dead).hasSize(poison.size());
		});
		assertThat(dead).extracting(Received::body).containsExactlyInAnyOrderElementsOf(poison);
		assertThat(dead).allSatisfy(message -> assertThat(message.reason()).startsWith("invalid order:"));
		assertThat(dead).anySatisfy(message -> assertThat(message.reason()).contains("tier", "platinum"));
		assertThat(dead).anySatisfy(message -> assertThat(message.reason()).contains("subdomain"));
		assertThat(fixtures.footprint()).isEqualTo(before);
	}

}
