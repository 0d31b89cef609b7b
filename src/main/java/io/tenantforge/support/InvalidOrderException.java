package io.tenantforge.support;

import java.util.List;
import java.util.stream.Collectors;

/** An order that can never succeed as sent: rejected with the reason, never retried. */
public class InvalidOrderException extends RuntimeException {

	private final List<FieldError> errors;

	public InvalidOrderException(List<FieldError> errors) {
		super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
		this.errors = List.copyOf(errors);
	}

	public InvalidOrderException(String field, String message) {
		this(List.of(new FieldError(field, message)));
	}

	public List<FieldError> errors() {
		return errors;
	}

	/** One rejected field of an order, named as in the order's JSON. */
	public record FieldError(String field, String message) {

		@Override
		public String toString() {
			return field + ": " + message;
		}

	}

}
