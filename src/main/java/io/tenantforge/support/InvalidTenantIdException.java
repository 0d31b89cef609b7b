package io.tenantforge.support;

/**
 * A tenant id in a URL that cannot be a tenant's: refused like an invalid order field
 * (400 naming {@code id}), never looked up.
 */
public class InvalidTenantIdException extends InvalidOrderException {

	public InvalidTenantIdException(String message) {
		super("id", message);
	}

}
