package io.tenantforge.backup;

import io.tenantforge.support.ConflictException;

/** A backup that may not be restored here, with the reason (409): nothing was changed. */
public class BackupRefusedException extends ConflictException {

	public BackupRefusedException(String message) {
		super(message);
	}

}
