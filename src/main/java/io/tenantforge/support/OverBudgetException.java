package io.tenantforge.support;

/**
 * An order from a user who has used up their order budget: rejected with the reason,
 * never retried.
 */
public class OverBudgetException extends RuntimeException {

	public OverBudgetException(String message) {
		super(message);
	}

}
