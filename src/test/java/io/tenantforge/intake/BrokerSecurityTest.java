package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.OutsideBroker.Received;
import io.tenantforge.support.Stomp;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The order broker refuses whoever does not log in, on every protocol, and gives each
 * user only what its role allows: the hole where any local process (a tenant included)
 * could order tenants, take orders away or read the dead-letter queue.
 */
@IntegrationTest
class BrokerSecurityTest {

	private static final int PORT = 61617;

	private static final String AMQP = "amqp://127.0.0.1:" + PORT;

	private static final String ORDERS = "tenant.orders";

	private static final String DLQ = "tenant.orders.DLQ";

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	Api api;

	@BeforeEach
	void clean() {
		fixtures.purge("intruder", "brokerprobe");
		OutsideBroker.drain(DLQ, 100);
	}

	@AfterEach
	void cleanUp() {
		fixtures.awaitSettled("brokerprobe", Duration.ofSeconds(60));
		fixtures.purge("intruder", "brokerprobe");
	}

	@Test
	void anonymousConnectionsAreRefusedOnStompAmqpAndCore() {
		assertThat(Stomp.exchange(PORT, Stomp.connect(null, null), Stomp.send(ORDERS, intruderOrder())))
			.startsWith("ERROR")
			.doesNotContain("CONNECTED");
		assertThatThrownBy(() -> start(new JmsConnectionFactory(AMQP))).isInstanceOf(JMSSecurityException.class);
		assertThatThrownBy(() -> start(new ActiveMQConnectionFactory(OutsideBroker.URL)))
			.isInstanceOf(JMSSecurityException.class);
		assertThat(api.get("/api/v1/tenants/intruder").statusCode()).isEqualTo(404);
	}

	@Test
	void aWrongPasswordIsRefusedAndTheRightOneLogsIn() throws JMSException {
		assertThat(Stomp.exchange(PORT, Stomp.connect(OutsideBroker.PRODUCER, "not-the-password"))).startsWith("ERROR");
		assertThatThrownBy(
				() -> start(new ActiveMQConnectionFactory(OutsideBroker.URL, OutsideBroker.PRODUCER, "nope")))
			.isInstanceOf(JMSSecurityException.class);
		assertThatThrownBy(() -> start(new JmsConnectionFactory(OutsideBroker.PRODUCER, "nope", AMQP)))
			.isInstanceOf(JMSSecurityException.class);

		assertThat(Stomp.exchange(PORT, Stomp.connect(OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD)))
			.startsWith("CONNECTED");
		try (Connection amqp = new JmsConnectionFactory(OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD, AMQP)
			.createConnection()) {
			amqp.start();
		}
		// the right password's check is remembered (RememberedChecks); a wrong one is
		// still refused
		assertThat(Stomp.exchange(PORT, Stomp.connect(OutsideBroker.PRODUCER, "not-the-password"))).startsWith("ERROR");
		assertThatThrownBy(() -> start(new JmsConnectionFactory(OutsideBroker.PRODUCER, "nope", AMQP)))
			.isInstanceOf(JMSSecurityException.class);
	}

	@Test
	void theProducerMaySendOrdersAndNothingElse() throws JMSException {
		assertThat(Stomp.exchange(PORT, Stomp.connect(OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD),
				Stomp.subscribe(ORDERS)))
			.contains("CONNECTED")
			.contains("ERROR")
			.doesNotContain("receipt-id:subscribed");

		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(OutsideBroker.URL,
				OutsideBroker.PRODUCER, OutsideBroker.PRODUCER_PASSWORD);
				Connection connection = factory.createConnection();
				Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
			connection.start();
			assertThatThrownBy(() -> session.createConsumer(session.createQueue(ORDERS)))
				.isInstanceOf(JMSSecurityException.class);
			assertThatThrownBy(() -> session.createBrowser(session.createQueue(DLQ)).getEnumeration().hasMoreElements())
				.isInstanceOf(JMSSecurityException.class);
			assertThatThrownBy(() -> session.createProducer(session.createQueue(DLQ))
				.send(session.createTextMessage(intruderOrder()))).isInstanceOf(JMSSecurityException.class);
			assertThatThrownBy(() -> session.createProducer(session.createQueue("some.other.address"))
				.send(session.createTextMessage("x"))).isInstanceOf(JMSSecurityException.class);
			assertThatThrownBy(() -> session.createProducer(session.createQueue("activemq.management"))
				.send(session.createTextMessage("x"))).isInstanceOf(JMSSecurityException.class);
		}
	}

	@Test
	void theOperatorBrowsesAndDrainsTheDeadLetterQueue() throws JMSException {
		OutsideBroker.send(ORDERS, anOrder().withSubdomain("brokerprobe").withTier("platinum").build());
		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(OutsideBroker.URL,
				OutsideBroker.OPERATOR, OutsideBroker.OPERATOR_PASSWORD);
				Connection connection = factory.createConnection();
				Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
			connection.start();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> Collections.list(session.createBrowser(session.createQueue(DLQ)).getEnumeration())
					.size() == 1);
		}
		assertThat(OutsideBroker.drain(DLQ, 200)).singleElement()
			.satisfies(dead -> assertThat(dead.reason()).startsWith("invalid order:").contains("platinum"));
	}

	@Test
	void aTenantCannotOrderTenantsThroughTheBrokerFromInsideItsContainer() throws InterruptedException {
		api.postOrder(anOrder().withName("Broker Probe").withSubdomain("brokerprobe").build());
		fixtures.awaitStatus("brokerprobe", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		String frames = Stomp.connect(null, null) + Stomp.send(ORDERS, intruderOrder());

		String answer = fixtures.exec("tenant-brokerprobe", "/bin/busybox", "sh", "-c",
				"printf '%b' \"$0\" | /bin/busybox nc -w 3 127.0.0.1 " + PORT,
				frames.replace("\0", "\\000").replace("\n", "\\n"));

		assertThat(answer).contains("ERROR").doesNotContain("CONNECTED");
		await().during(Duration.ofSeconds(3))
			.atMost(Duration.ofSeconds(5))
			.until(() -> api.get("/api/v1/tenants/intruder").statusCode() == 404);
	}

	@Test
	void aProducerOverItsOrderBudgetIsDeadLetteredWithTheReasonAndNothingIsLost() {
		List<String> sent = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			// an unknown tier: each order that gets past the budget is rejected without
			// provisioning anything
			String order = anOrder().withSubdomain("budget-" + i).withTier("platinum").build();
			OutsideBroker.send(OutsideBroker.URL, OutsideBroker.THROTTLED, OutsideBroker.THROTTLED_PASSWORD, ORDERS,
					order);
			sent.add(order);
		}

		List<Received> dead = new ArrayList<>();
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			dead.addAll(OutsideBroker.drain(DLQ, 200));
			assertThat(dead).hasSize(sent.size());
		});
		assertThat(dead).extracting(Received::body).containsExactlyInAnyOrderElementsOf(sent);
		assertThat(dead).filteredOn(d -> d.reason().startsWith("over budget:"))
			.hasSize(2)
			.allSatisfy(d -> assertThat(d.reason()).contains("throttled", "1 orders a minute"));
		assertThat(dead).filteredOn(d -> d.reason().startsWith("invalid order:")).hasSize(3);
	}

	private static void start(jakarta.jms.ConnectionFactory factory) throws JMSException {
		try (Connection connection = factory.createConnection()) {
			connection.start();
		}
	}

	private static String intruderOrder() {
		return anOrder().withName("Intruder").withSubdomain("intruder").withTier("enterprise").build();
	}

}
