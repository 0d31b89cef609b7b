package io.tenantforge.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.tenantforge.support.MutableClock;
import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

/**
 * Checks whose refusal is a value, not an exception (the broker's: an empty user):
 * remembered only when they succeeded, and only for the same password.
 */
@UnitTest
class RememberedChecksTest {

	private final AtomicInteger checks = new AtomicInteger();

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T05:00:00Z"));

	private final RememberedChecks<Optional<String>> remembered = new RememberedChecks<>(Duration.ofMinutes(1), clock);

	private Optional<String> login(String user, String password) {
		return remembered.check(user, password, () -> {
			checks.incrementAndGet();
			return password.equals("right") ? Optional.of(user) : Optional.empty();
		}, Optional::isPresent);
	}

	@Test
	void aSuccessIsRememberedForTheSamePasswordOnlyAndARefusalNever() {
		assertThat(login("producer", "right")).contains("producer");
		assertThat(login("producer", "right")).contains("producer");
		assertThat(checks).as("remembered").hasValue(1);

		assertThat(login("producer", "wrong")).isEmpty();
		assertThat(login("producer", "wrong")).isEmpty();
		assertThat(checks).as("refusals checked every time").hasValue(3);

		assertThat(login("operator", "right")).contains("operator");
		assertThat(checks).as("another user: its own check").hasValue(4);

		clock.advance(Duration.ofMinutes(2));
		assertThat(login("producer", "right")).contains("producer");
		assertThat(checks).as("expired: checked again").hasValue(5);
	}

}
