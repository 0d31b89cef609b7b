package io.tenantforge.intake;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.support.OverBudgetException;
import io.tenantforge.support.TransientFaults;
import io.tenantforge.support.UnsupportedMediaTypeException;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.springframework.stereotype.Component;

/**
 * How each channel answers an order it could not record. Invalid orders and conflicts are
 * never retried; transient faults (database unreachable) are retried with exponential
 * backoff on the queue and folder, and answered 503 over REST so the caller retries;
 * nothing is dropped silently.
 * <ul>
 * <li>{@code api-errors}: {@code application/problem+json} with 400, 404, 409, 415, 503
 * or 500.</li>
 * <li>{@code queue-errors}: the original message to the dead-letter queue with the reason
 * in {@value OrderRejections#REASON_HEADER}, in the same transaction that takes it off
 * the queue.</li>
 * <li>{@code file-errors}: the file to {@code error/} with {@code <file>.error.txt}.</li>
 * </ul>
 */
@Component
class IntakeErrorPolicy extends RouteConfigurationBuilder {

	@Override
	public void configuration() {
		routeConfiguration("api-errors")
			.onException(InvalidOrderException.class, ConflictException.class, NotFoundException.class,
					UnsupportedMediaTypeException.class)
			.handled(true)
			.bean(ApiResponses.class, "problem")
			.end()
			.onException(TransientFaults.TYPES)
			.handled(true)
			.log(LoggingLevel.WARN, "API request could not be served now: ${exception.message}")
			.bean(ApiResponses.class, "problem")
			.end()
			.onException(Exception.class)
			.handled(true)
			.log(LoggingLevel.ERROR, "API request failed: ${exception.stacktrace}")
			.bean(ApiResponses.class, "problem")
			.end();

		var queue = routeConfiguration("queue-errors");
		queue.onException(InvalidOrderException.class, ConflictException.class, OverBudgetException.class)
			.handled(true)
			.useOriginalMessage()
			.bean(OrderRejections.class, "toDeadLetter")
			.to("jms:queue:{{tenantforge.intake.dead-letter-queue}}")
			.end();
		withBackoff(queue.onException(TransientFaults.TYPES)).handled(true)
			.useOriginalMessage()
			.bean(OrderRejections.class, "toDeadLetter")
			.to("jms:queue:{{tenantforge.intake.dead-letter-queue}}")
			.end();
		queue.onException(Exception.class)
			.handled(true)
			.useOriginalMessage()
			.bean(OrderRejections.class, "toDeadLetter")
			.to("jms:queue:{{tenantforge.intake.dead-letter-queue}}")
			.end();

		var file = routeConfiguration("file-errors");
		file.onException(InvalidOrderException.class, ConflictException.class)
			.handled(false)
			.logExhausted(false)
			.bean(OrderRejections.class, "writeReasonFile")
			.end();
		withBackoff(file.onException(TransientFaults.TYPES)).handled(false)
			.bean(OrderRejections.class, "writeReasonFile")
			.end();
		file.onException(Exception.class).handled(false).bean(OrderRejections.class, "writeReasonFile").end();
	}

	private static OnExceptionDefinition withBackoff(OnExceptionDefinition onException) {
		return onException.maximumRedeliveries("{{tenantforge.intake.maximum-redeliveries}}")
			.redeliveryDelay("{{tenantforge.intake.redelivery-delay}}")
			.useExponentialBackOff()
			.backOffMultiplier(2)
			.maximumRedeliveryDelay("{{tenantforge.intake.maximum-redelivery-delay}}")
			.retryAttemptedLogLevel(LoggingLevel.WARN);
	}

}
