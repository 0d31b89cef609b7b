package io.tenantforge.process;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import io.tenantforge.support.ControlPlaneProcess;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.ServicePurge;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An order the broker accepted survives a crash of the control plane before it was
 * provisioned: the broker's journal is persistent, and the restarted control plane takes
 * the order and provisions it.
 */
class QueuedOrderRestartIT {

	private final ServicePurge purge = ControlPlaneProcess.purge();

	@BeforeEach
	@AfterEach
	void clean() {
		purge.purge("restart-queued");
	}

	@Test
	void queuedOrderSurvivesSigkillBetweenAcceptanceAndProvisioning() throws Exception {
		try (ControlPlaneProcess first = ControlPlaneProcess
			.start("--tenantforge.intake.queue-consumer-auto-startup=false")) {
			try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(ControlPlaneProcess.BROKER_URL,
					OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD);
					Connection connection = factory.createConnection();
					Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
				MessageProducer producer = session.createProducer(session.createQueue("tenant.orders"));
				producer.setDeliveryMode(DeliveryMode.PERSISTENT);
				producer.send(session
					.createTextMessage(anOrder().withName("Restart").withSubdomain("restart-queued").build()));
			}
			assertThat(first.get("/api/v1/tenants/restart-queued").orElseThrow().statusCode()).isEqualTo(404);
			first.kill();
		}

		try (ControlPlaneProcess second = ControlPlaneProcess.start()) {
			await().atMost(Duration.ofSeconds(90))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> second.status("restart-queued").equals("ACTIVE"));
		}
	}

}
