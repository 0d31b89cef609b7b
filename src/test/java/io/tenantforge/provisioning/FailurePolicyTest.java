package io.tenantforge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.tenantforge.provisioning.FailurePolicy.Fail;
import io.tenantforge.provisioning.FailurePolicy.Retry;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.Test;

/**
 * What a failed reconcile comes to: retried with backoff until the deadline, or failed
 * with the reason.
 */
@UnitTest
class FailurePolicyTest {

	private static final Instant ASKED = Instant.parse("2026-12-01T10:00:00Z");

	private static final ProvisioningProperties PROPERTIES = new ProvisioningProperties(4, 1000, 2, 100, 500,
			Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(15), null);

	@Test
	void aTransientFaultBeforeTheDeadlineIsRetriedAfterTheBackoffOfTheNextAttempt() {
		assertThat(FailurePolicy.decide(new RetryableException("Redis connection refused"), tenant(2),
				ASKED.plusSeconds(60), PROPERTIES))
			.isEqualTo(new Retry(3, Duration.ofSeconds(20)));
	}

	@Test
	void aTransientFaultPastTheDeadlineFailsSayingSo() {
		assertThat(FailurePolicy.decide(new RetryableException("Redis connection refused"), tenant(9),
				ASKED.plus(Duration.ofMinutes(16)), PROPERTIES))
			.isEqualTo(new Fail("not done within the deadline of 900s: Redis connection refused"));
	}

	@Test
	void aPermanentFaultFailsAtOnceWithItsMessage() {
		assertThat(FailurePolicy.decide(new StepFailedException("container tenant-acme is not ours", null), tenant(0),
				ASKED.plusSeconds(1), PROPERTIES))
			.isEqualTo(new Fail("container tenant-acme is not ours"));
		assertThat(FailurePolicy.decide(null, tenant(0), ASKED.plusSeconds(1), PROPERTIES))
			.isEqualTo(new Fail("unknown failure"));
	}

	private static Tenant tenant(int attempts) {
		return new Tenant("acme", "Acme", "basic", DesiredState.ACTIVE, TenantStatus.PROVISIONING, 1, 0, null,
				List.of(), null, attempts, ASKED, null, ASKED, ASKED);
	}

}
