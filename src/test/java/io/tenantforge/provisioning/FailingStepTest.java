package io.tenantforge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.Condition;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.Test;

/**
 * Which step a failed reconcile is charged to, from the conditions its steps recorded.
 */
@UnitTest
class FailingStepTest {

	@Test
	void aFirstProvisioningThatRecordedNothingFailedInTheDatabaseStep() {
		assertThat(FailingStep.of(tenant(DesiredState.ACTIVE))).isEqualTo(Condition.DATABASE_READY);
	}

	@Test
	void theFirstStepNotYetTrueIsTheFailingOne() {
		Tenant tenant = tenant(DesiredState.ACTIVE, Condition.isTrue(Condition.DATABASE_READY, "Provisioned", "ok"),
				Condition.isFalse(Condition.CACHE_READY, "Retrying", "refused"),
				Condition.isTrue(Condition.CONTAINER_READY, "Running", "ok"));

		assertThat(FailingStep.of(tenant)).isEqualTo(Condition.CACHE_READY);
	}

	@Test
	void aTenantWithEveryStepTrueIsChargedToItsHealth() {
		Tenant tenant = tenant(DesiredState.ACTIVE, Condition.isTrue(Condition.DATABASE_READY, "Provisioned", "ok"),
				Condition.isTrue(Condition.CACHE_READY, "Provisioned", "ok"),
				Condition.isTrue(Condition.CONTAINER_READY, "Running", "ok"),
				Condition.isTrue(Condition.HEALTHY, "HealthCheckPassed", "ok"));

		assertThat(FailingStep.of(tenant)).isEqualTo(Condition.HEALTHY);
	}

	@Test
	void aDeletionIsChargedToTheFirstPartNotYetRecordedAsDeleted() {
		Tenant tenant = tenant(DesiredState.DELETED, Condition.isTrue(Condition.DATABASE_READY, "Provisioned", "ok"),
				Condition.isTrue(Condition.CACHE_READY, "Provisioned", "ok"),
				Condition.isFalse(Condition.CONTAINER_READY, "Deleted", "removed"));

		assertThat(FailingStep.of(tenant)).isEqualTo(Condition.DATABASE_READY);
		assertThat(FailingStep
			.of(tenant(DesiredState.DELETED, Condition.isFalse(Condition.DATABASE_READY, "Deleted", "dropped"),
					Condition.isTrue(Condition.CACHE_READY, "Provisioned", "ok"))))
			.isEqualTo(Condition.CACHE_READY);
	}

	@Test
	void aDeletionWithNothingLeftToRemoveIsChargedToTheDatabase() {
		assertThat(FailingStep.of(tenant(DesiredState.DELETED))).isEqualTo(Condition.DATABASE_READY);
	}

	private static Tenant tenant(DesiredState desired, Condition... conditions) {
		return new Tenant("acme", "Acme", "basic", desired, TenantStatus.PROVISIONING, 1, 0, null, List.of(conditions),
				null, 0, Instant.now(), null, Instant.now(), Instant.now());
	}

}
