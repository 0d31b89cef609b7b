package io.tenantforge.support;

/** A request body of a media type the operation does not take (415). */
public class UnsupportedMediaTypeException extends RuntimeException {

	public UnsupportedMediaTypeException(String message) {
		super(message);
	}

}
