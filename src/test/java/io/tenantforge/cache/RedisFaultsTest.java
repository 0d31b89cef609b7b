package io.tenantforge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;

/**
 * The cache family's one classification of Redis failures, for Lettuce's and Spring Data
 * Redis's calls alike.
 */
@UnitTest
class RedisFaultsTest {

	@Test
	void unreachableAndTimedOutRedisIsTransientInEitherClient() {
		assertThat(RedisFaults.isTransient(new RedisConnectionException("refused"))).isTrue();
		assertThat(RedisFaults.isTransient(new RedisCommandTimeoutException("slow"))).isTrue();
		assertThat(RedisFaults.isTransient(new RedisException("reset", new IOException("broken pipe")))).isTrue();
		assertThat(RedisFaults.isTransient(new RedisConnectionFailureException("refused"))).isTrue();
		assertThat(RedisFaults.isTransient(new QueryTimeoutException("slow"))).isTrue();
	}

	@Test
	void aRefusedCommandFailsTheStep() {
		RuntimeException refused = RedisFaults.classify(new RedisCommandExecutionException("ERR Error in ACL SETUSER"),
				"Redis unreachable", "Redis refused");
		RuntimeException misuse = RedisFaults.classify(new InvalidDataAccessApiUsageException("WRONGTYPE"),
				"Redis unreachable for acme", "Redis metadata of acme failed");

		assertThat(refused).isInstanceOf(StepFailedException.class)
			.hasMessage("Redis refused: ERR Error in ACL SETUSER");
		assertThat(misuse).isInstanceOf(StepFailedException.class)
			.hasMessage("Redis metadata of acme failed: WRONGTYPE");
		assertThat(RedisFaults.classify(new RedisConnectionException("refused"), "Redis unreachable", "Redis refused"))
			.isInstanceOf(RetryableException.class)
			.hasMessage("Redis unreachable: refused");
	}

}
