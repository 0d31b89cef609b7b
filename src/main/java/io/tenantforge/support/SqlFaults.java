package io.tenantforge.support;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Sorts SQL failures into transient (retry with backoff) and permanent ones, by SQLSTATE.
 */
public final class SqlFaults {

	private SqlFaults() {
	}

	public static boolean isTransient(SQLException e) {
		if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
			return true;
		}
		String state = e.getSQLState();
		if (state == null) {
			return false;
		}
		return state.startsWith("08") // connection exception
				|| state.startsWith("53") // insufficient resources
				|| state.startsWith("57P") // server shutting down, cannot connect now
				|| state.equals("40001") || state.equals("40P01") // serialization
																	// failure, deadlock
				|| state.equals("XX000") && String.valueOf(e.getMessage()).contains("concurrently");
	}

	/** Wraps a SQL failure as retryable or as a step that failed for good. */
	public static RuntimeException classify(String what, SQLException e) {
		String message = what + ": " + e.getMessage();
		return isTransient(e) ? new RetryableException(message, e) : new StepFailedException(message, e);
	}

}
