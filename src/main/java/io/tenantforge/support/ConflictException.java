package io.tenantforge.support;

/**
 * The order clashes with an existing tenant or order (same subdomain or order id,
 * different spec).
 */
public class ConflictException extends RuntimeException {

	public ConflictException(String message) {
		super(message);
	}

}
