package io.tenantforge.posture;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The host posture check ({@code tenantforge.posture.*}).
 *
 * @param enforce when true, any finding makes the {@code posture} health contributor
 * DOWN, and with it readiness
 */
@ConfigurationProperties("tenantforge.posture")
public record PostureProperties(boolean enforce) {
}
