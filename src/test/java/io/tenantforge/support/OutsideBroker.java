package io.tenantforge.support;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A plain JMS client that reaches the control plane's embedded broker over TCP on
 * 127.0.0.1, as another program would: not the app's in-VM connection. It logs in as one
 * of the test profile's broker users: the producer {@value #PRODUCER} to send orders, the
 * operator {@value #OPERATOR} to drain the dead-letter queue.
 */
public final class OutsideBroker {

	public static final String URL = "tcp://127.0.0.1:61617";

	public static final String PRODUCER = "orders";

	public static final String PRODUCER_PASSWORD = "orders-password";

	public static final String OPERATOR = "operator";

	public static final String OPERATOR_PASSWORD = "operator-password";

	public static final String ADMIN = "broker-admin";

	public static final String ADMIN_PASSWORD = "broker-admin-password";

	/** A producer with an order burst of 3 (test profile). */
	public static final String THROTTLED = "throttled";

	public static final String THROTTLED_PASSWORD = "throttled-password";

	private OutsideBroker() {
	}

	/** Sends a persistent text message to a queue as the producer user. */
	public static void send(String queue, String body) {
		send(URL, PRODUCER, PRODUCER_PASSWORD, queue, body);
	}

	/**
	 * Sends a persistent text message to a queue of the broker at {@code url}, logged in
	 * as {@code user}.
	 */
	public static void send(String url, String user, String password, String queue, String body) {
		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, user, password);
				Connection connection = factory.createConnection();
				Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
			MessageProducer producer = session.createProducer(session.createQueue(queue));
			producer.setDeliveryMode(DeliveryMode.PERSISTENT);
			producer.send(session.createTextMessage(body));
		}
		catch (JMSException e) {
			throw new IllegalStateException("cannot send to " + queue + " as " + user, e);
		}
	}

	/**
	 * Takes, as the operator, every message from a queue that arrives within
	 * {@code waitMillis} of the previous one.
	 */
	public static List<Received> drain(String queue, long waitMillis) {
		List<Received> received = new ArrayList<>();
		try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(URL, OPERATOR, OPERATOR_PASSWORD);
				Connection connection = factory.createConnection();
				Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
			connection.start();
			MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
			for (Message message = consumer.receive(waitMillis); message != null; message = consumer
				.receive(waitMillis)) {
				received.add(new Received(message.getBody(String.class),
						message.getStringProperty("TenantforgeRejectReason")));
			}
			return received;
		}
		catch (JMSException e) {
			throw new IllegalStateException("cannot receive from " + queue, e);
		}
	}

	/** A message taken from a queue: its text and the rejection reason, if any. */
	public record Received(String body, String reason) {
	}

}
