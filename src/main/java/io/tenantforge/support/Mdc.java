package io.tenantforge.support;

/**
 * The log MDC keys tenantforge sets, named once (the log pattern and the tests read them
 * by these names).
 */
public final class Mdc {

	/** The tenant id (slug) on every line about one tenant: intake, reconcile, sweep. */
	public static final String TENANT = "tenant.id";

	/** The order id, while an order is taken in. */
	public static final String ORDER = "order.id";

	private Mdc() {
	}

}
