package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * What the reconciler and intake treat as "try again later": anywhere in the cause chain.
 */
@UnitTest
class TransientFaultsTest {

	@Test
	void ourRetryableFaultAndSpringsUnreachableDatabaseAreTransient() {
		assertThat(TransientFaults.isTransient(new RetryableException("engine busy"))).isTrue();
		assertThat(TransientFaults.isTransient(new CannotGetJdbcConnectionException("refused"))).isTrue();
		assertThat(TransientFaults.isTransient(new DataAccessResourceFailureException("gone"))).isTrue();
		assertThat(TransientFaults.isTransient(new QueryTimeoutException("slow"))).isTrue();
	}

	@Test
	void aTransientFaultWrappedByCamelOrAnotherExceptionIsStillTransient() {
		Exception wrapped = new IllegalStateException("step failed",
				new RuntimeException("outer", new RetryableException("Redis connection refused")));

		assertThat(TransientFaults.isTransient(wrapped)).isTrue();
	}

	@Test
	void aFailedStepAnInvalidOrderAndAConstraintViolationAreNotTransient() {
		assertThat(TransientFaults.isTransient(new StepFailedException("not ours", null))).isFalse();
		assertThat(TransientFaults.isTransient(new IllegalArgumentException("bad"))).isFalse();
		assertThat(TransientFaults.isTransient(new DataIntegrityViolationException("duplicate"))).isFalse();
	}

}
