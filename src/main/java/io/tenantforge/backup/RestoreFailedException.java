package io.tenantforge.backup;

import io.tenantforge.support.ConflictException;

/**
 * A restore that failed after it had begun, with the reason and how it was settled (409).
 */
public class RestoreFailedException extends ConflictException {

	public RestoreFailedException(String message) {
		super(message);
	}

}
