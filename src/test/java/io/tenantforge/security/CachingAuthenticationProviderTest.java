package io.tenantforge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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

	/** What a check of a "slow-" password waits for. */
	private final CountDownLatch release = new CountDownLatch(1);

	/** Stands in for the bcrypt check: counts calls, accepts only "right". */
	private final AuthenticationProvider bcrypt = new AuthenticationProvider() {
		@Override
		public Authentication authenticate(Authentication request) {
			checks.incrementAndGet();
			if (String.valueOf(request.getCredentials()).startsWith("slow-")) {
				try {
					release.await();
				}
				catch (InterruptedException e) {
					Thread.currentThread().interrupt();
				}
			}
			if (!Set.of("right", "slow-right").contains(request.getCredentials())) {
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

	@Test
	void requestsArrivingDuringTheirCredentialsCheckWaitForItInsteadOfCheckingAgain() throws Exception {
		List<Thread> threads = new CopyOnWriteArrayList<>();
		ExecutorService requests = Executors.newFixedThreadPool(7, task -> {
			Thread thread = new Thread(task);
			threads.add(thread);
			return thread;
		});
		try {
			List<Future<Authentication>> answers = new ArrayList<>();
			List<Future<Authentication>> refusals = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				answers.add(requests.submit(() -> provider.authenticate(login("admin", "slow-right"))));
			}
			for (int i = 0; i < 3; i++) {
				refusals.add(requests.submit(() -> provider.authenticate(login("admin", "slow-wrong"))));
			}
			// all seven blocked: one check per password runs, the others wait for it
			await().atMost(Duration.ofSeconds(10))
				.until(() -> threads.size() == 7
						&& threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
			assertThat(checks).as("one bcrypt check per password while it runs").hasValue(2);

			release.countDown();
			for (Future<Authentication> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS).isAuthenticated()).isTrue();
			}
			for (Future<Authentication> refusal : refusals) {
				assertThatThrownBy(() -> refusal.get(10, TimeUnit.SECONDS))
					.hasCauseInstanceOf(BadCredentialsException.class);
			}
			assertThat(checks).hasValue(2);
		}
		finally {
			release.countDown();
			requests.shutdownNow();
		}
	}

	private static UsernamePasswordAuthenticationToken login(String user, String password) {
		return UsernamePasswordAuthenticationToken.unauthenticated(user, password);
	}

}
