package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.ExternalBroker;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.ServicePurge;
import io.tenantforge.support.Stomp;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane on a real external Artemis broker made by
 * {@code scripts/external-broker.sh}: the broker refuses anonymous clients, the control
 * plane logs in as its own user, a producer's order becomes a tenant, a bad order is
 * dead-lettered with the reason for the operator, and the posture check finds no
 * anonymous access.
 */
class ExternalBrokerIT {

	private final ServicePurge purge = ControlPlaneProcess.purge();

	@BeforeEach
	@AfterEach
	void clean() {
		purge.purge("external-order");
	}

	@Test
	void ordersFlowThroughASecuredExternalBroker() throws Exception {
		try (ExternalBroker broker = ExternalBroker.start();
				ControlPlaneProcess controlPlane = ControlPlaneProcess.start("--spring.artemis.mode=native",
						"--spring.artemis.broker-url=" + ExternalBroker.URL,
						"--spring.artemis.embedded.enabled=false")) {
			assertThat(Stomp.exchange(ExternalBroker.PORT, Stomp.connect(null, null))).startsWith("ERROR");

			OutsideBroker.send(ExternalBroker.URL, OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD,
					"tenant.orders", anOrder().withName("External").withSubdomain("external-order").build());
			OutsideBroker.send(ExternalBroker.URL, OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD,
					"tenant.orders", anOrder().withSubdomain("external-bad").withTier("platinum").build());

			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> controlPlane.status("external-order").equals("ACTIVE"));
			List<String> reasons = new ArrayList<>();
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				reasons.addAll(drainDeadLetters());
				assertThat(reasons).singleElement().asString().startsWith("invalid order:").contains("platinum");
			});

			String posture = controlPlane.get("/api/v1/fleet/posture").orElseThrow().body();
			assertThat(posture).doesNotContain("broker-anonymous").doesNotContain("broker login:");
		}
	}

	private static List<String> drainDeadLetters() throws Exception {
		List<String> reasons = new ArrayList<>();
		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(ExternalBroker.URL,
				OutsideBroker.OPERATOR, OutsideBroker.OPERATOR_PASSWORD);
				Connection connection = factory.createConnection();
				Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
			connection.start();
			MessageConsumer consumer = session.createConsumer(session.createQueue("tenant.orders.DLQ"));
			for (Message message = consumer.receive(500); message != null; message = consumer.receive(500)) {
				reasons.add(message.getStringProperty("TenantforgeRejectReason"));
			}
		}
		return reasons;
	}

}
