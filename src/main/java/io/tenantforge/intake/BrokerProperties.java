package io.tenantforge.intake;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may use the order broker ({@code tenantforge.broker.*}). Security is always on:
 * every connection, on every protocol, logs in.
 *
 * @param controlPlaneUser the control plane's own broker user (consumes orders,
 * dead-letters them)
 * @param controlPlanePassword its password ({@code TENANTFORGE_BROKER_PASSWORD});
 * required outside the dev profile, generated into {@code var/broker/} in it. For an
 * external broker this is the client credential the control plane logs in with; for the
 * embedded one it is also the user the broker accepts.
 * @param users the embedded broker's other users, each with a {@link BrokerRole} and a
 * password hash (never a plain password); the dev profile generates {@code orders}
 * (producer), {@code operator} and {@code broker-admin} when none are configured
 */
@ConfigurationProperties("tenantforge.broker")
public record BrokerProperties(String controlPlaneUser, String controlPlanePassword, List<User> users) {

	public BrokerProperties {
		controlPlaneUser = controlPlaneUser == null || controlPlaneUser.isBlank() ? "tenantforge" : controlPlaneUser;
		users = users == null ? List.of() : List.copyOf(users);
	}

	/**
	 * A broker user.
	 *
	 * @param name login name
	 * @param role {@code producer}, {@code operator} or {@code admin}
	 * @param passwordHash Spring Security encoded hash, e.g. {@code {bcrypt}$2a$10$...}
	 * @param orderBurst this producer's order allowance at once (0: the global
	 * {@code tenantforge.security.order-burst})
	 * @param ordersPerMinute the rate that allowance refills at (0: the global
	 * {@code orders-per-minute})
	 */
	public record User(String name, String role, String passwordHash, int orderBurst, int ordersPerMinute) {
	}

}
