package io.tenantforge.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.util.unit.DataSize;

import io.tenantforge.support.UnitTest;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantVersions.TenantVersion;
import io.tenantforge.tenant.TenantVersions.Version;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.junit.jupiter.api.Test;

@UnitTest
class WavePlanTest {

	@Test
	void wavesAreCumulativeCountsOrSharesRoundedUpAndTheLastTakesEveryone() {
		assertThat(WavePlan.cumulative(List.of("1", "50%", "100%"), 6)).containsExactly(1, 3, 6);
		assertThat(WavePlan.cumulative(List.of("1", "10%", "50%", "100%"), 500)).containsExactly(1, 50, 250, 500);
		assertThat(WavePlan.cumulative(List.of("1", "10%", "100%"), 3)).containsExactly(1, 1, 3);
		assertThat(WavePlan.cumulative(List.of("10", "100%"), 4)).containsExactly(4, 4);
		assertThat(WavePlan.cumulative(List.of("1", "100%"), 0)).containsExactly(0, 0);
		assertThat(WavePlan.waveOf(List.of("1", "50%", "100%"), 6)).containsExactly(0, 1, 1, 2, 2, 2);
	}

	@Test
	void canariesAreTheLowestTierFirstThenTheOldest() {
		TierCatalog tiers = new TierCatalog(Map.of("basic", tier(64), "pro", tier(128)));
		Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
		List<TenantVersion> fleet = List.of(tenant("old-pro", "pro", t0), tenant("young", "basic", t0.plusSeconds(9)),
				tenant("older", "basic", t0.plusSeconds(1)), tenant("same-age-b", "basic", t0.plusSeconds(5)),
				tenant("same-age-a", "basic", t0.plusSeconds(5)));
		assertThat(WavePlan.order(fleet, tiers).stream().map(TenantVersion::tenantId)).containsExactly("older",
				"same-age-a", "same-age-b", "young", "old-pro");
	}

	private static Tier tier(int megabytes) {
		return new Tier(0.5, DataSize.ofMegabytes(megabytes), 0.1, DataSize.ofMegabytes(megabytes / 2), 64, 5,
				java.time.Duration.ofSeconds(15), java.time.Duration.ofSeconds(20), null);
	}

	private static TenantVersion tenant(String id, String tier, Instant created) {
		return new TenantVersion(id, new Version("img:v1", "1"), false, null, tier, TenantStatus.ACTIVE, created, 21000,
				true);
	}

}
