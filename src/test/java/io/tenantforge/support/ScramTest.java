package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PasswordUtil;

@UnitTest
class ScramTest {

	@Test
	void aVerifierMatchesItsOwnPasswordOnly() {
		String verifier = PasswordUtil.encodeScramSha256("a-tenant's-password".toCharArray());

		assertThat(Scram.matches("a-tenant's-password", verifier)).isTrue();
		assertThat(Scram.matches("a-tenant's-passwore", verifier)).isFalse();
		assertThat(Scram.matches("a-tenant's-password", "md5" + verifier)).isFalse();
	}

}
