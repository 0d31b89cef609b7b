package io.tenantforge.intake;

import java.util.Locale;

/**
 * What a broker user may do, least privilege first. The broker's security settings
 * ({@link BrokerConfig}) name these roles per address; anything not named there is
 * refused.
 */
enum BrokerRole {

	/**
	 * Sends orders to {@code tenant.orders}; nothing else: no consume, no browse, no
	 * create or delete.
	 */
	PRODUCER,

	/**
	 * The control plane: consumes {@code tenant.orders}, sends to its dead-letter queue.
	 */
	CONTROL_PLANE,

	/**
	 * Browses and re-drives the dead-letter queue (consume from it, send back to
	 * {@code tenant.orders}).
	 */
	OPERATOR,

	/** Everything, including the broker's management address. */
	ADMIN;

	String roleName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	static BrokerRole of(String configured) {
		for (BrokerRole role : values()) {
			if (role.roleName().equals(configured)) {
				return role;
			}
		}
		throw new IllegalStateException("unknown broker role '" + configured + "': producer, operator or admin");
	}

}
