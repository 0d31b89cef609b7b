package io.tenantforge.support;

/** No tenant with that id. */
public class NotFoundException extends RuntimeException {

	public NotFoundException(String message) {
		super(message);
	}

}
