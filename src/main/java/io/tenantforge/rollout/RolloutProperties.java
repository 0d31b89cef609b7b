package io.tenantforge.rollout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of rollouts ({@code tenantforge.rollout.*}).
 *
 * @param tickInterval how often the {@code rollout-tick} timer advances the running
 * rollout (milliseconds)
 * @param drain how long the old container keeps running after the router was switched to
 * the new one, for requests already on their way to it
 * @param haltAfterStep test hook for crash tests: the driver stops dead after this tenant
 * step (e.g. {@code SWITCHING}) of the first tenant that reaches it; empty in production
 */
@ConfigurationProperties("tenantforge.rollout")
public record RolloutProperties(long tickInterval, Duration drain, String haltAfterStep) {

	public RolloutProperties {
		tickInterval = tickInterval <= 0 ? 500 : tickInterval;
		drain = drain == null ? Duration.ofSeconds(1) : drain;
		haltAfterStep = haltAfterStep == null ? "" : haltAfterStep;
	}

}
