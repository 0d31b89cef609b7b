package io.tenantforge.support;

/**
 * A provisioning step that failed for good (not a transient fault): the tenant goes
 * FAILED with this message.
 */
public class StepFailedException extends RuntimeException {

	public StepFailedException(String message) {
		super(message);
	}

	public StepFailedException(String message, Throwable cause) {
		super(message, cause);
	}

}
