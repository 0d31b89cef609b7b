package io.tenantforge.intake;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.NotFoundException;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Route configuration {@code api-errors}, used by every REST route: domain outcomes become
 * {@code application/problem+json} with their status; anything unexpected a 500 that leaks no detail.
 */
@Component
class ApiErrorPolicy extends RouteConfigurationBuilder {

	@Override
	public void configuration() {
		routeConfiguration("api-errors")
			.onException(InvalidOrderException.class, ConflictException.class, NotFoundException.class)
				.handled(true)
				.bean(ApiResponses.class, "problem")
			.end()
			.onException(Exception.class)
				.handled(true)
				.log(LoggingLevel.ERROR, "API request failed: ${exception.stacktrace}")
				.bean(ApiResponses.class, "problem")
			.end();
	}

}
