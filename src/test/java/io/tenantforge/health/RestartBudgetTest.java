package io.tenantforge.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

/**
 * When the sweep may restart a sick container: the budget within the window and the
 * cool-down (no database).
 */
@UnitTest
class RestartBudgetTest {

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private final RestartBudget budget = new RestartBudget(null, properties());

	private static SweepProperties properties() {
		SweepProperties properties = new SweepProperties();
		properties.setRestartBudget(3);
		properties.setRestartWindow(Duration.ofMinutes(30));
		properties.setRestartCooldown(Duration.ofMinutes(2));
		return properties;
	}

	@Test
	void aTenantNeverRestartedMayBeRestarted() {
		assertThat(budget.refusal(List.of(), NOW)).isEmpty();
	}

	@Test
	void aRestartPastTheCoolDownWithBudgetLeftIsAllowed() {
		assertThat(budget.refusal(List.of(NOW.minusSeconds(600), NOW.minusSeconds(121)), NOW)).isEmpty();
	}

	@Test
	void aRestartWithinTheCoolDownIsRefusedSayingHowLongAgo() {
		assertThat(budget.refusal(List.of(NOW.minusSeconds(30)), NOW))
			.hasValue("cooling down: restarted 30 s ago (cool-down 120 s)");
	}

	@Test
	void aSpentBudgetIsRefusedAndLeftForAnOperatorEvenAfterTheCoolDown() {
		List<Instant> three = List.of(NOW.minusSeconds(1200), NOW.minusSeconds(900), NOW.minusSeconds(600));

		assertThat(budget.refusal(three, NOW))
			.hasValue("restart budget spent: 3 restarts within 30 min; left for an operator");
	}

}
