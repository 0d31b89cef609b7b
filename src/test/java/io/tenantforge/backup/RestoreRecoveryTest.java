package io.tenantforge.backup;

import static io.tenantforge.backup.RestoreRecovery.Decision.FINISH;
import static io.tenantforge.backup.RestoreRecovery.Decision.STUCK;
import static io.tenantforge.backup.RestoreRecovery.Decision.UNDO;
import static io.tenantforge.backup.RestoreRecovery.decide;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Every state a restore can stop in, and what brings the tenant to its old or its new
 * data.
 */
class RestoreRecoveryTest {

	@Test
	void aRestoreStoppedWhileStagingIsUndone() {
		// keys partly staged, no marker yet; or the marker set but STAGED not yet
		// recorded
		assertThat(decide(RestorePhase.STAGING, true, false, false)).isEqualTo(UNDO);
		assertThat(decide(RestorePhase.STAGING, true, false, true)).isEqualTo(UNDO);
	}

	@Test
	void beforeTheSwapTheParkedSchemaComesBack() {
		// parked, backup's schema not (or not yet, or not wholly: one transaction)
		// restored
		assertThat(decide(RestorePhase.STAGED, false, true, true)).isEqualTo(UNDO);
		assertThat(decide(RestorePhase.PARKED, false, true, true)).isEqualTo(UNDO);
		// restored, but the keys not swapped: the restored schema goes, the parked one
		// comes back
		assertThat(decide(RestorePhase.PARKED, true, true, true)).isEqualTo(UNDO);
		assertThat(decide(RestorePhase.RESTORED, true, true, true)).isEqualTo(UNDO);
		// staged, nothing parked yet
		assertThat(decide(RestorePhase.STAGED, true, false, true)).isEqualTo(UNDO);
	}

	@Test
	void afterTheSwapTheRestoreIsFinished() {
		// the marker went with the swap: whatever the recorded phase lagged behind, every
		// earlier step happened
		assertThat(decide(RestorePhase.RESTORED, true, true, false)).isEqualTo(FINISH);
		assertThat(decide(RestorePhase.SWAPPED, true, true, false)).isEqualTo(FINISH);
		assertThat(decide(RestorePhase.SWAPPED, true, false, false)).isEqualTo(FINISH);
	}

	@Test
	void withNeitherSchemaThereIsNothingToDecide() {
		assertThat(decide(RestorePhase.PARKED, false, false, true)).isEqualTo(STUCK);
		assertThat(decide(RestorePhase.SWAPPED, false, false, false)).isEqualTo(STUCK);
		assertThat(decide(RestorePhase.SWAPPED, false, true, false)).isEqualTo(STUCK);
	}

}
