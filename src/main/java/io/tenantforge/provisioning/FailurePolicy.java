package io.tenantforge.provisioning;

import java.time.Duration;
import java.time.Instant;

import io.tenantforge.support.TransientFaults;
import io.tenantforge.tenant.Tenant;

/**
 * What a reconcile that failed after its steps' own retries comes to: a transient fault
 * before the generation's deadline is tried again after the backoff; anything else, or
 * the deadline, fails the generation. No I/O.
 */
final class FailurePolicy {

	/** The decision. */
	sealed interface Outcome {

	}

	/**
	 * Reconcile again: attempt number {@code attempts} failed, the next one after
	 * {@code delay}.
	 */
	record Retry(int attempts, Duration delay) implements Outcome {
	}

	/** The generation fails, for {@code reason}. */
	record Fail(String reason) implements Outcome {
	}

	private FailurePolicy() {
	}

	static String messageOf(Throwable cause) {
		return cause == null ? "unknown failure" : cause.getMessage();
	}

	static Outcome decide(Throwable cause, Tenant tenant, Instant now, ProvisioningProperties properties) {
		String message = messageOf(cause);
		boolean beforeDeadline = now.isBefore(tenant.generationChangedAt().plus(properties.deadline()));
		if (cause != null && TransientFaults.isTransient(cause) && beforeDeadline) {
			int attempts = tenant.attempts() + 1;
			return new Retry(attempts, properties.backoff(attempts));
		}
		return new Fail(beforeDeadline ? message
				: "not done within the deadline of " + properties.deadline().toSeconds() + "s: " + message);
	}

}
