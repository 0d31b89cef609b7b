package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which SQL failures the database steps retry, by SQLSTATE, and what they are wrapped as.
 */
@UnitTest
class SqlFaultsTest {

	@ParameterizedTest
	@ValueSource(strings = { "08001", "08006", "53300", "57P01", "57P03", "40001", "40P01" })
	void connectionResourceShutdownAndConcurrencyFaultsAreTransient(String state) {
		assertThat(SqlFaults.isTransient(new SQLException("refused", state))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "42501", "42P07", "23505", "22023", "XX000" })
	void permissionSyntaxConstraintAndInternalErrorsAreNotTransient(String state) {
		assertThat(SqlFaults.isTransient(new SQLException("refused", state))).isFalse();
	}

	@Test
	void aConcurrentUpdateInternalErrorIsTransient() {
		assertThat(SqlFaults.isTransient(new SQLException("tuple concurrently updated", "XX000"))).isTrue();
	}

	@Test
	void jdbcsOwnTransientAndRecoverableTypesAreTransientWithoutAState() {
		assertThat(SqlFaults.isTransient(new SQLTransientConnectionException("timeout"))).isTrue();
		assertThat(SqlFaults.isTransient(new SQLRecoverableException("reset"))).isTrue();
		assertThat(SqlFaults.isTransient(new SQLException("no state"))).isFalse();
	}

	@Test
	void classifyWrapsATransientFaultAsRetryableAndAnyOtherAsAFailedStepNamingWhatFailed() {
		SQLException refused = new SQLException("Connection refused", "08001");
		SQLException denied = new SQLException("permission denied", "42501");

		assertThat(SqlFaults.classify("database step for acme", refused)).isInstanceOf(RetryableException.class)
			.hasMessage("database step for acme: Connection refused")
			.hasCause(refused);
		assertThat(SqlFaults.classify("database step for acme", denied)).isInstanceOf(StepFailedException.class)
			.hasMessage("database step for acme: permission denied")
			.hasCause(denied);
	}

}
