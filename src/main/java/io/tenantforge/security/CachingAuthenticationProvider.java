package io.tenantforge.security;

import java.time.Clock;
import java.time.Duration;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * HTTP Basic sends the password with every request, and checking a bcrypt hash costs tens
 * of milliseconds of CPU: on two cores that capped the API at ~15 requests a second. This
 * remembers successful checks for a short time ({@link RememberedChecks}), so repeated
 * requests with the same credentials skip bcrypt. Each request gets an authentication of
 * its own (the chain fills in its details).
 */
class CachingAuthenticationProvider implements AuthenticationProvider {

	private final AuthenticationProvider delegate;

	private final RememberedChecks<Authentication> checks;

	CachingAuthenticationProvider(AuthenticationProvider delegate, Duration ttl, Clock clock) {
		this.delegate = delegate;
		this.checks = new RememberedChecks<>(ttl, clock);
	}

	@Override
	public Authentication authenticate(Authentication request) throws AuthenticationException {
		if (!(request.getCredentials() instanceof String password)) {
			return delegate.authenticate(request);
		}
		Authentication result = checks.check(request.getName(), password, () -> delegate.authenticate(request),
				CachingAuthenticationProvider::succeeded);
		return succeeded(result) ? UsernamePasswordAuthenticationToken.authenticated(result.getPrincipal(), null,
				result.getAuthorities()) : result;
	}

	private static boolean succeeded(Authentication result) {
		return result != null && result.isAuthenticated();
	}

	@Override
	public boolean supports(Class<?> authentication) {
		return delegate.supports(authentication);
	}

}
