package io.tenantforge.provisioning;

import io.tenantforge.tenant.Tenant;

/**
 * The one seam at the step boundaries of a reconcile: the reconciler passes it after each
 * step has recorded its condition and before the next step begins, holding the tenant's
 * lock. In production ({@link HaltAfterStep}) it does nothing, unless the crash tests of
 * the packaged jar ask it to halt after a step; in-process tests put their own in its
 * place to park one tenant's reconcile there.
 */
public interface StepBarrier {

	/**
	 * The reconcile of {@code tenant} has finished {@code step} (a step name as the
	 * metrics use it: {@code database}, {@code cache}, {@code container}, ...).
	 */
	void passed(String step, Tenant tenant);

}
