package io.tenantforge.provisioning;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.tenantforge.support.Api;
import io.tenantforge.support.Headers;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The retry policy of the reconcile steps: a transient fault is retried with backoff
 * inside the failing step, and one that outlasts the retries fails the tenant with the
 * reason. The fault is injected into the real {@code provisioning-cache} route for the
 * test's own tenants only.
 */
@IntegrationTest
class TransientFaultRetryTest {

	private static final AtomicInteger flakyFailuresLeft = new AtomicInteger();

	private static final AtomicInteger flakyAttempts = new AtomicInteger();

	private static final AtomicInteger brokenAttempts = new AtomicInteger();

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	CamelContext camel;

	/**
	 * The context the fault injector was woven into. Advice is woven once per context
	 * (the shared test context outlives this class): weaving it again before every test
	 * would run each exchange through it twice. It acts on the tenants {@code flaky} and
	 * {@code broken} only, so it may stay for the other tests of the context.
	 */
	private static CamelContext advised;

	@BeforeEach
	void clean() throws Exception {
		fixtures.purge("flaky", "broken");
		injectFaultsOnce(camel);
	}

	private static synchronized void injectFaultsOnce(CamelContext camel) throws Exception {
		if (advised == camel) {
			return;
		}
		AdviceWith.adviceWith(camel, "provisioning-cache", route -> route.weaveAddFirst().process(exchange -> {
			String tenant = exchange.getMessage().getHeader(Headers.TENANT_ID, String.class);
			if ("flaky".equals(tenant)) {
				flakyAttempts.incrementAndGet();
				if (flakyFailuresLeft.getAndDecrement() > 0) {
					throw new RetryableException("Redis connection refused (injected)");
				}
			}
			if ("broken".equals(tenant)) {
				brokenAttempts.incrementAndGet();
				throw new RetryableException("Redis connection refused (injected, for good)");
			}
		}));
		advised = camel;
	}

	@AfterEach
	void settle() {
		fixtures.awaitSettled("flaky", Duration.ofSeconds(60));
		fixtures.awaitSettled("broken", Duration.ofSeconds(60));
		fixtures.purge("flaky", "broken");
	}

	@Test
	void transientFaultIsRetriedWithinTheStepAndTheTenantBecomesActive() {
		flakyFailuresLeft.set(2);
		flakyAttempts.set(0);

		api.postOrder(anOrder().withSubdomain("flaky").build());

		fixtures.awaitStatus("flaky", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		assertThat(flakyAttempts).as("two injected faults, then success").hasValue(3);
	}

	@Test
	void faultThatOutlastsTheDeadlineFailsTheTenantWithTheReasonAndRollsBack() {
		brokenAttempts.set(0);

		api.postOrder(anOrder().withSubdomain("broken").build());

		fixtures.awaitStatus("broken", TenantStatus.FAILED, Duration.ofSeconds(60));
		assertThat(brokenAttempts.get()).as("reconciles re-queued with backoff, 3 tries within each (test profile)")
			.isGreaterThanOrEqualTo(6)
			.isEqualTo(brokenAttempts.get() / 3 * 3);
		assertThat(api.tenant("broken").path("conditions").toString()).contains("CacheReady")
			.contains("injected, for good", "deadline");
		assertThat(fixtures.footprint()).as("rolled back").noneMatch(resource -> resource.contains("broken"));
	}

}
