package io.tenantforge.support;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
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
		// RetryableException: what the gateways classify as transient; the two Spring
		// Data Redis faults: what the spring-redis endpoint throws when Redis is
		// unreachable or slow (the cache family's RedisFaults calls them transient too)
		routeConfiguration("provisioning-retry")
			.onException(RetryableException.class, RedisConnectionFailureException.class, QueryTimeoutException.class)
			.maximumRedeliveries("{{tenantforge.provisioning.maximum-redeliveries}}")
			.redeliveryDelay("{{tenantforge.provisioning.redelivery-delay}}")
			.useExponentialBackOff()
			.backOffMultiplier(2)
			.maximumRedeliveryDelay("{{tenantforge.provisioning.maximum-redelivery-delay}}")
			.retryAttemptedLogLevel(LoggingLevel.WARN)
			.logExhausted(true);

	}

}
