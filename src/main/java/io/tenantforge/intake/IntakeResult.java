package io.tenantforge.intake;

import io.tenantforge.tenant.Tenant;

/**
 * What became of an accepted order.
 *
 * @param created true for a new tenant; false when the order repeats one seen before
 */
public record IntakeResult(Tenant tenant, boolean created) {

	public String tenantId() {
		return tenant.id();
	}

}
