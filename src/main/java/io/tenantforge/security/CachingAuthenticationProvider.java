package io.tenantforge.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
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
 * effect within the TTL.
 */
class CachingAuthenticationProvider implements AuthenticationProvider {

	private static final int MAX_ENTRIES = 1_000;

	private final AuthenticationProvider delegate;

	private final Duration ttl;

	private final Clock clock;

	private final Map<String, Entry> verified = new ConcurrentHashMap<>();

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
			Authentication cached = entry.authentication();
			return UsernamePasswordAuthenticationToken.authenticated(cached.getPrincipal(), null,
					cached.getAuthorities());
		}
		Authentication result = delegate.authenticate(request);
		if (result != null && result.isAuthenticated()) {
			if (verified.size() >= MAX_ENTRIES) {
				verified.clear();
			}
			verified.put(key, new Entry(result, now.plus(ttl)));
		}
		return result;
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return delegate.supports(authentication);
	}

	private record Entry(Authentication authentication, Instant expires) {
	}

}
