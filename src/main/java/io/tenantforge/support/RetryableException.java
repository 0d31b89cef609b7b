package io.tenantforge.support;

/**
 * A transient infrastructure fault (connection refused, timeout, engine busy): worth
 * retrying with backoff.
 */
public class RetryableException extends RuntimeException {

	public RetryableException(String message, Throwable cause) {
		super(message, cause);
	}

	public RetryableException(String message) {
		super(message);
	}

}
