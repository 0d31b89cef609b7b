package io.tenantforge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

/**
 * The reconcile backoff: the wait before the next reconcile after a transient failure.
 */
@UnitTest
class ProvisioningPropertiesTest {

	@Test
	void theWaitDoublesPerFailedReconcileUpToTheCap() {
		ProvisioningProperties properties = new ProvisioningProperties(4, 1000, 2, 100, 500, Duration.ofSeconds(5),
				Duration.ofSeconds(60), null, null);

		assertThat(properties.backoff(1)).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.backoff(2)).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.backoff(3)).isEqualTo(Duration.ofSeconds(20));
		assertThat(properties.backoff(4)).isEqualTo(Duration.ofSeconds(40));
		assertThat(properties.backoff(5)).isEqualTo(Duration.ofSeconds(60));
		assertThat(properties.backoff(1000)).as("no overflow after many failures").isEqualTo(Duration.ofSeconds(60));
	}

	@Test
	void unsetDurationsTakeTheirDefaults() {
		ProvisioningProperties properties = new ProvisioningProperties(4, 1000, 2, 100, 500, null, null, null, null);

		assertThat(properties.retryBackoff()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.retryBackoffCap()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.deadline()).isEqualTo(Duration.ofMinutes(15));
		assertThat(properties.haltAfterStep()).isEmpty();
	}

}
