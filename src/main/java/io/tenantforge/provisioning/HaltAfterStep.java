package io.tenantforge.provisioning;

import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.Tenant;

import org.springframework.stereotype.Component;

/**
 * The production {@link StepBarrier}: nothing, unless
 * {@code tenantforge.provisioning.halt-after-step} names a step; then the reconcile stops
 * dead after it (logging "halted after step") so that a crash test of the packaged jar
 * can SIGKILL the process exactly at that boundary. Never set it otherwise.
 */
@Component
class HaltAfterStep implements StepBarrier {

	private static final Logger log = LoggerFactory.getLogger(HaltAfterStep.class);

	private final String haltAfterStep;

	HaltAfterStep(ProvisioningProperties properties) {
		this.haltAfterStep = properties.haltAfterStep();
	}

	@Override
	public void passed(String step, Tenant tenant) {
		if (step.equals(haltAfterStep)) {
			log.warn("halted after step {} of tenant {} (tenantforge.provisioning.halt-after-step)", step, tenant.id());
			while (true) {
				LockSupport.park(this);
			}
		}
	}

}
