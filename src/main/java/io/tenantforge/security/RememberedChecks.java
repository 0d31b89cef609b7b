package io.tenantforge.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.tenantforge.support.Sha256;

/**
 * Successful password checks remembered for a short time. Checking a bcrypt hash costs
 * tens of milliseconds of CPU, and HTTP Basic and the broker's clients send the same
 * password again and again: the API on every request, the broker's consumers on every
 * consumer they open. Keyed by the user name and a SHA-256 of the password, never the
 * password itself; a failed check is never remembered; a changed password takes effect
 * within the TTL. Checks of the same credentials that arrive while one runs wait for it
 * instead of running bcrypt each (when an entry expired under load, every connection's
 * next request used to pay for its own: issue 16).
 *
 * @param <T> what a check gives
 */
public final class RememberedChecks<T> {

	private static final int MAX_ENTRIES = 1_000;

	private final Duration ttl;

	private final Clock clock;

	private final Map<String, Entry<T>> verified = new ConcurrentHashMap<>();

	/** The checks running now, by the same key. */
	private final Map<String, CompletableFuture<T>> running = new ConcurrentHashMap<>();

	public RememberedChecks(Duration ttl, Clock clock) {
		this.ttl = ttl;
		this.clock = clock;
	}

	/**
	 * What {@code check} gives for these credentials: remembered when a check of the same
	 * ones succeeded within the TTL, or the outcome (value or exception) of the one
	 * running now, or else {@code check}'s own, remembered when {@code succeeded} says
	 * so.
	 */
	public T check(String user, String password, Supplier<T> check, Predicate<T> succeeded) {
		String key = user + ":" + Sha256.hex(password);
		Instant now = clock.instant();
		Entry<T> entry = verified.get(key);
		if (entry != null && now.isBefore(entry.expires())) {
			return entry.value();
		}
		CompletableFuture<T> mine = new CompletableFuture<>();
		CompletableFuture<T> other = running.putIfAbsent(key, mine);
		if (other != null) {
			return waitFor(other);
		}
		try {
			T result = check.get();
			if (succeeded.test(result)) {
				if (verified.size() >= MAX_ENTRIES) {
					verified.clear();
				}
				verified.put(key, new Entry<>(result, now.plus(ttl)));
			}
			mine.complete(result);
			return result;
		}
		catch (RuntimeException e) {
			mine.completeExceptionally(e);
			throw e;
		}
		finally {
			running.remove(key, mine);
		}
	}

	private static <T> T waitFor(CompletableFuture<T> check) {
		try {
			return check.join();
		}
		catch (CompletionException e) {
			if (e.getCause() instanceof RuntimeException refusal) {
				throw refusal;
			}
			throw e;
		}
	}

	private record Entry<T>(T value, Instant expires) {
	}

}
