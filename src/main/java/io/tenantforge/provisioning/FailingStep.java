package io.tenantforge.provisioning;

import java.util.List;

import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;

/**
 * Which step a failed reconcile is charged to, by the conditions its steps recorded: the
 * first provisioning step not yet True, or when deleting, the first part not yet recorded
 * as deleted. No I/O.
 */
final class FailingStep {

	/**
	 * The order of the provisioning steps; a failure is attributed to the first of these
	 * not yet True.
	 */
	static final List<String> STEPS = List.of(Condition.DATABASE_READY, Condition.CACHE_READY,
			Condition.CONTAINER_READY, Condition.HEALTHY);

	private FailingStep() {
	}

	static String of(Tenant tenant) {
		if (tenant.desiredState() == DesiredState.DELETED) {
			return STEPS.stream()
				.filter(type -> tenant.condition(type).map(c -> !"Deleted".equals(c.reason())).orElse(false))
				.findFirst()
				.orElse(Condition.DATABASE_READY);
		}
		return STEPS.stream()
			.filter(type -> tenant.condition(type).map(c -> c.status() != Condition.Status.TRUE).orElse(true))
			.findFirst()
			.orElse(Condition.HEALTHY);
	}

}
