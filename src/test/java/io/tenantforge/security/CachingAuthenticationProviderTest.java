package io.tenantforge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import io.tenantforge.support.MutableClock;
import io.tenantforge.support.UnitTest;

@UnitTest
class CachingAuthenticationProviderTest {

	private final AtomicInteger checks = new AtomicInteger();

	/** Stands in for the bcrypt check: counts calls, accepts only "right". */
	private final AuthenticationProvider bcrypt = new AuthenticationProvider() {
		@Override
		public Authentication authenticate(Authentication request) {
			checks.incrementAndGet();
			if (!"right".equals(request.getCredentials())) {
				throw new BadCredentialsException("bad credentials");
			}
			return UsernamePasswordAuthenticationToken.authenticated(request.getName(), null,
					List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
		}

		@Override
		public boolean supports(Class<?> authentication) {
			return true;
		}
	};

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));

	private final CachingAuthenticationProvider provider = new CachingAuthenticationProvider(bcrypt,
			Duration.ofMinutes(1), clock);

	@Test
	void repeatedSuccessfulCredentialsAreCheckedOncePerTtl() {
		Authentication first = provider.authenticate(login("admin", "right"));
		Authentication second = provider.authenticate(login("admin", "right"));

		assertThat(checks).hasValue(1);
		assertThat(second.isAuthenticated()).isTrue();
		assertThat(second.getAuthorities()).isEqualTo(first.getAuthorities());
		assertThat(second.getCredentials()).isNull();

		clock.advance(Duration.ofMinutes(2));
		provider.authenticate(login("admin", "right"));
		assertThat(checks).as("expired: checked again").hasValue(2);
	}

	@Test
	void wrongPasswordsAreNeverRemembered() {
		provider.authenticate(login("admin", "right"));

		assertThatThrownBy(() -> provider.authenticate(login("admin", "wrong")))
			.isInstanceOf(BadCredentialsException.class);
		assertThatThrownBy(() -> provider.authenticate(login("admin", "wrong")))
			.isInstanceOf(BadCredentialsException.class);
		assertThat(checks).hasValue(3);
	}

	private static UsernamePasswordAuthenticationToken login(String user, String password) {
		return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
	}

}
