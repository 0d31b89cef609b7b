package io.tenantforge.cache;

import java.io.IOException;

import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * The cache family's one classification of Redis failures, for Lettuce's own calls (ACL
 * commands) and Spring Data Redis's (data commands): unreachable or timed out is
 * transient (retried with backoff), a refusal fails the step.
 */
final class RedisFaults {

	private RedisFaults() {
	}

	static boolean isTransient(RuntimeException e) {
		return e instanceof RedisConnectionException || e instanceof RedisCommandTimeoutException
				|| e instanceof RedisConnectionFailureException || e instanceof QueryTimeoutException
				|| e instanceof RedisException && e.getCause() instanceof IOException;
	}

	/**
	 * Wraps a Redis failure: retryable with {@code unreachable}, or a failed step with
	 * {@code refused}, each followed by the failure's message.
	 */
	static RuntimeException classify(RuntimeException e, String unreachable, String refused) {
		return isTransient(e) ? new RetryableException(unreachable + ": " + e.getMessage(), e)
				: new StepFailedException(refused + ": " + e.getMessage(), e);
	}

}
