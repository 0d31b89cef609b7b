package io.tenantforge.routing;

/**
 * The router refused a change for a reason a retry will not mend (a config it rejects):
 * never retried.
 */
class RouterException extends RuntimeException {

	RouterException(String message) {
		super(message);
	}

}
