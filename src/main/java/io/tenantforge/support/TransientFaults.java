package io.tenantforge.support;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;

/**
 * The exception types that mean "try again later": our own, and Spring's for an
 * unreachable database.
 */
public final class TransientFaults {

	@SuppressWarnings("unchecked")
	public static final Class<? extends Throwable>[] TYPES = new Class[] { RetryableException.class,
			TransientDataAccessException.class, DataAccessResourceFailureException.class,
			RecoverableDataAccessException.class };

	private TransientFaults() {
	}

	public static boolean isTransient(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			for (Class<? extends Throwable> type : TYPES) {
				if (type.isInstance(cause)) {
					return true;
				}
			}
		}
		return false;
	}

}
