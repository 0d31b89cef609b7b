package io.tenantforge.intake;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The queue and folder channels ({@code tenantforge.intake.*}).
 *
 * @param queue JMS queue of orders
 * @param deadLetterQueue where rejected and undeliverable orders go, with the reason in a
 * header
 * @param brokerAcceptor the embedded broker's listener for other programs (CORE, AMQP,
 * STOMP), on loopback
 * @param brokerMaxDeliveryAttempts the broker's guard against a message that crashes the
 * control plane: it is dead-lettered after this many deliveries that never completed
 * @param queueConsumers concurrent consumers of the queue
 * @param ordersDir folder with {@code inbox/}, {@code done/} and {@code error/}
 * @param readLockCheckInterval how long a dropped file must stay unchanged before it is
 * read
 * @param maximumRedeliveries retries of an order after a transient fault (queue and
 * folder)
 * @param redeliveryDelay first delay between those retries, doubled up to
 * {@code maximumRedeliveryDelay}
 * @param maximumRedeliveryDelay cap of that delay
 * @param inboxOwners users besides the control plane's own whose files in the inbox are
 * read
 */
@ConfigurationProperties("tenantforge.intake")
public record IntakeProperties(String queue, String deadLetterQueue, String brokerAcceptor,
		int brokerMaxDeliveryAttempts, int queueConsumers, Path ordersDir, Duration readLockCheckInterval,
		int maximumRedeliveries, Duration redeliveryDelay, Duration maximumRedeliveryDelay,
		java.util.List<String> inboxOwners) {

	public IntakeProperties {
		inboxOwners = inboxOwners == null ? java.util.List.of() : java.util.List.copyOf(inboxOwners);
	}

	public Path errorDir() {
		return ordersDir.toAbsolutePath().normalize().resolve("error");
	}

}
