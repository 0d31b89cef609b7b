package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;

/**
 * The sweep's call counts: a call counts in the scope its thread has entered, and only
 * there, so calls other threads make meanwhile (a reconcile on the same gateway) are not
 * the sweep's.
 */
@UnitTest
class CallScopeTest {

	@Test
	void callsCountInTheScopeTheThreadHasEnteredAndOnlyWhileItIsIn() {
		CallScope scope = new CallScope();
		CallScope.record(Gateway.REDIS);
		try (CallScope.Entered entered = scope.enter()) {
			CallScope.record(Gateway.REDIS);
			CallScope.record(Gateway.REDIS);
			CallScope.record(Gateway.ENGINE);
		}
		CallScope.record(Gateway.REDIS);
		try (CallScope.Entered again = scope.enter()) {
			CallScope.record(Gateway.ENGINE);
		}

		assertThat(scope.count(Gateway.REDIS)).isEqualTo(2);
		assertThat(scope.count(Gateway.ENGINE)).isEqualTo(2);
		assertThat(scope.count(Gateway.HEALTH_PROBE)).isZero();
	}

	@Test
	void callsOfAnotherThreadAreNotCountedUnlessTheScopeIsCarriedToIt() throws Exception {
		CallScope scope = new CallScope();
		ExecutorService other = Executors.newSingleThreadExecutor();
		try (CallScope.Entered entered = scope.enter()) {
			other.submit(() -> CallScope.record(Gateway.ENGINE)).get();
			CompletableFuture.supplyAsync(CallScope.carried(() -> {
				CallScope.record(Gateway.HEALTH_PROBE);
				return null;
			}), other).join();
			// the carried task left the scope behind: the pool thread counts nowhere
			// again
			other.submit(() -> CallScope.record(Gateway.HEALTH_PROBE)).get();
		}
		finally {
			other.shutdownNow();
		}

		assertThat(scope.count(Gateway.ENGINE)).isZero();
		assertThat(scope.count(Gateway.HEALTH_PROBE)).isEqualTo(1);
	}

	@Test
	void anInnerScopeCountsItsOwnCallsAndTheOuterOneGoesOnAfterIt() {
		CallScope outer = new CallScope();
		CallScope inner = new CallScope();
		try (CallScope.Entered o = outer.enter()) {
			CallScope.record(Gateway.TENANTS_DATABASE);
			try (CallScope.Entered i = inner.enter()) {
				CallScope.record(Gateway.TENANTS_DATABASE);
			}
			CallScope.record(Gateway.TENANTS_DATABASE);
		}

		assertThat(outer.count(Gateway.TENANTS_DATABASE)).isEqualTo(2);
		assertThat(inner.count(Gateway.TENANTS_DATABASE)).isEqualTo(1);
	}

}
