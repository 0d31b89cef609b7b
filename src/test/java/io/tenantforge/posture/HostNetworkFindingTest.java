package io.tenantforge.posture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.tenantforge.posture.PostureFinding.Kind;
import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.support.UnitTest;

/**
 * When host networking is a posture finding: in the host mode always, in the isolated
 * mode only for leftovers.
 */
@UnitTest
class HostNetworkFindingTest {

	@Test
	void theHostModeIsAFindingEvenBeforeTheFirstTenant() {
		assertThat(PostureCheck.hostNetworkFinding(0, NetworkMode.HOST)).hasValueSatisfying(finding -> {
			assertThat(finding.kind()).isEqualTo(Kind.TENANT_HOST_NETWORK);
			assertThat(finding.fix()).contains("tenantforge.runtime.network=isolated");
		});
		assertThat(PostureCheck.hostNetworkFinding(3, NetworkMode.HOST)).isPresent();
	}

	@Test
	void theIsolatedModeIsNoFindingUnlessContainersAreStillOnTheHostNetwork() {
		assertThat(PostureCheck.hostNetworkFinding(0, NetworkMode.ISOLATED)).isEmpty();
		assertThat(PostureCheck.hostNetworkFinding(2, NetworkMode.ISOLATED))
			.hasValueSatisfying(finding -> assertThat(finding.detail()).contains("2 now"));
	}

}
