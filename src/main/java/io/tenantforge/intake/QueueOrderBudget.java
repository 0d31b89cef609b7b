package io.tenantforge.intake;

import io.tenantforge.security.OrderBudget;
import io.tenantforge.support.OverBudgetException;

import jakarta.jms.JMSException;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.springframework.stereotype.Component;

/**
 * Charges each queued order to the broker user who sent it, on the same
 * {@link OrderBudget} as REST orders. The broker stamps the sender's login on the message
 * ({@value #VALIDATED_USER}); a producer cannot set it itself. Over budget, the order
 * goes to the dead-letter queue with the reason: never dropped, never retried.
 */
@Component
public class QueueOrderBudget {

	/**
	 * The JMS property with the user the sending connection logged in as
	 * ({@code populate-validated-user}).
	 */
	public static final String VALIDATED_USER = "JMSXUserID";

	private final OrderBudget budget;

	private final BrokerUsers users;

	QueueOrderBudget(OrderBudget budget, BrokerUsers users) {
		this.budget = budget;
		this.users = users;
	}

	public void charge(Exchange exchange) throws JMSException {
		// read from the JMS message itself: Camel's header filter drops JMSX properties
		String user = exchange.getIn(JmsMessage.class).getJmsMessage().getStringProperty(VALIDATED_USER);
		if (user == null || user.isBlank()) {
			throw new OverBudgetException(
					"the message carries no validated sender; the broker must run with " + "populate-validated-user");
		}
		BrokerUsers.Entry sender = users.entry(user);
		long waitSeconds = budget.take(user, sender.orderBurst(), sender.ordersPerMinute());
		if (waitSeconds > 0) {
			throw new OverBudgetException("broker user " + user + " is over its order budget ("
					+ budget.ordersPerMinute(sender.ordersPerMinute()) + " orders a minute); send again in "
					+ waitSeconds + "s");
		}
	}

}
