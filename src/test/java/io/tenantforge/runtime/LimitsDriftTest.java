package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.github.dockerjava.api.model.HostConfig;

import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.Tier;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * How a container's limits are compared with its tier's (what the sweep's limits audit
 * reports).
 */
@UnitTest
class LimitsDriftTest {

	private static final Tier BASIC = new Tier(0.5, DataSize.ofMegabytes(64), 0.25, DataSize.ofMegabytes(32), 64, 5,
			Duration.ofSeconds(15), Duration.ofSeconds(20), null);

	private static HostConfig asTheTierSays() {
		return HostConfig.newHostConfig()
			.withNanoCPUs(500_000_000L)
			.withMemory(DataSize.ofMegabytes(64).toBytes())
			.withMemoryReservation(DataSize.ofMegabytes(32).toBytes())
			.withCpuShares(256)
			.withPidsLimit(64L);
	}

	@Test
	void aContainerWithTheTiersLimitsHasNoDrift() {
		assertThat(TenantContainerProvisioner.limitsDrift(asTheTierSays(), BASIC)).isEmpty();
	}

	@Test
	void eachDifferingLimitIsNamedWithTheContainersAndTheTiersValue() {
		HostConfig changed = asTheTierSays().withMemory(DataSize.ofMegabytes(128).toBytes()).withPidsLimit(1000L);

		assertThat(TenantContainerProvisioner.limitsDrift(changed, BASIC))
			.hasValue("memory 134217728 (tier 67108864), pids limit 1000 (tier 64)");
	}

	@Test
	void aLimitTheEngineDoesNotReportCountsAsDrift() {
		HostConfig unlimited = asTheTierSays().withNanoCPUs(null);

		assertThat(TenantContainerProvisioner.limitsDrift(unlimited, BASIC))
			.hasValue("cpus (nano) null (tier 500000000)");
	}

}
