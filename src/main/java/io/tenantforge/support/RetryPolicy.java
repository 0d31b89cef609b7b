package io.tenantforge.support;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * The one home of retry policy: route configuration {@code provisioning-retry} retries
 * transient faults ({@link RetryableException}) with exponential backoff from
 * {@code tenantforge.provisioning.*}; anything else fails at once. Routes pick it by id.
 */
@Component
class RetryPolicy extends RouteConfigurationBuilder {

	@Override
	public void configuration() {
		routeConfiguration("provisioning-retry").onException(RetryableException.class)
			.maximumRedeliveries("{{tenantforge.provisioning.maximum-redeliveries}}")
			.redeliveryDelay("{{tenantforge.provisioning.redelivery-delay}}")
			.useExponentialBackOff()
			.backOffMultiplier(2)
			.maximumRedeliveryDelay("{{tenantforge.provisioning.maximum-redelivery-delay}}")
			.retryAttemptedLogLevel(LoggingLevel.WARN)
			.logExhausted(true);

	}

}
