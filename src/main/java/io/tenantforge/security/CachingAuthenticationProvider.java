package io.tenantforge.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

import io.tenantforge.support.Sha256;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * HTTP Basic sends the password with every request, and checking a bcrypt hash costs tens
 * of milliseconds of CPU: on two cores that capped the API at ~15 requests a second. This
 * remembers a successful check for a short time, keyed by the user name and a SHA-256 of
 * the password (never the password itself), so repeated requests with the same
 * credentials skip bcrypt. Failed checks are never remembered; a changed password takes
 * effect within the TTL. Requests with the same credentials that arrive while their check
 * runs wait for it instead of running bcrypt each: when an entry expired under load,
 * every connection's next request used to pay for its own (issue 16: 7 % of a list
 * benchmark's CPU, and its p99).
 */
class CachingAuthenticationProvider implements AuthenticationProvider {

	private static final int MAX_ENTRIES = 1_000;

	private final AuthenticationProvider delegate;

	private final Duration ttl;

	private final Clock clock;

	private final Map<String, Entry> verified = new ConcurrentHashMap<>();

	/** The checks running now, by the same key. */
	private final Map<String, CompletableFuture<Authentication>> running = new ConcurrentHashMap<>();

	CachingAuthenticationProvider(AuthenticationProvider delegate, Duration ttl, Clock clock) {
		this.delegate = delegate;
		this.ttl = ttl;
		this.clock = clock;
	}

	@Override
	public Authentication authenticate(Authentication request) throws AuthenticationException {
		if (!(request.getCredentials() instanceof String password)) {
			return delegate.authenticate(request);
		}
		String key = request.getName() + ":" + Sha256.hex(password);
		Instant now = clock.instant();
		Entry entry = verified.get(key);
		if (entry != null && now.isBefore(entry.expires())) {
			return copyOf(entry.authentication());
		}
		CompletableFuture<Authentication> mine = new CompletableFuture<>();
		CompletableFuture<Authentication> other = running.putIfAbsent(key, mine);
		if (other != null) {
			return waitFor(other);
		}
		try {
			Authentication result = delegate.authenticate(request);
			if (result != null && result.isAuthenticated()) {
				if (verified.size() >= MAX_ENTRIES) {
					verified.clear();
				}
				verified.put(key, new Entry(result, now.plus(ttl)));
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

	/** The outcome of the same check another request runs: its result, or its refusal. */
	private static Authentication waitFor(CompletableFuture<Authentication> check) {
		try {
			Authentication result = check.join();
			return result == null || !result.isAuthenticated() ? result : copyOf(result);
		}
		catch (CompletionException e) {
			if (e.getCause() instanceof RuntimeException refusal) {
				throw refusal;
			}
			throw e;
		}
	}

	private static Authentication copyOf(Authentication verified) {
		return UsernamePasswordAuthenticationToken.authenticated(verified.getPrincipal(), null,
				verified.getAuthorities());
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return delegate.supports(authentication);
	}

	private record Entry(Authentication authentication, Instant expires) {
	}

}
