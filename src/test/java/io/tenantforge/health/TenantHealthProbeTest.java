package io.tenantforge.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import io.tenantforge.support.UnitTest;

/** The identity check of a {@code /health} answer, without a network. */
@UnitTest
class TenantHealthProbeTest {

	private static final String TOKEN = "t0k3n-of-acme";

	private static final String NONCE = "0123456789abcdef0123456789abcdef";

	@Test
	void anAnswerWithTheTenantsProofForThisNonceIsTheTenants() {
		assertThat(TenantHealthProbe.identityProblem("acme", 21001, TOKEN, NONCE,
				answer("acme", NONCE, TenantHealthProbe.proof(TOKEN, NONCE))))
			.isEmpty();
	}

	@Test
	void aBareOkAWrongTokenAnotherTenantOrAReplayedAnswerIsNot() {
		String replayed = answer("acme", "ffffffffffffffffffffffffffffffff",
				TenantHealthProbe.proof(TOKEN, "ffffffffffffffffffffffffffffffff"));
		for (String body : new String[] { "ok", "", "[]", "{\"status\":\"ok\"}",
				answer("acme", NONCE, TenantHealthProbe.proof("another-token", NONCE)),
				answer("acme2", NONCE, TenantHealthProbe.proof(TOKEN, NONCE)), replayed }) {
			assertThat(TenantHealthProbe.identityProblem("acme", 21001, TOKEN, NONCE, body)).as(body)
				.hasValueSatisfying(problem -> assertThat(problem).contains(TenantHealthProbe.IDENTITY_PROBLEM)
					.contains("127.0.0.1:21001")
					.doesNotContain(TOKEN));
		}
	}

	@Test
	void theProofIsTheHexSha256OfTokenThenNonceAsTheSmokeImageComputesIt() {
		// printf '%s%s' tok123 abcdefabcdef0123456789 | busybox sha256sum
		assertThat(TenantHealthProbe.proof("tok123", "abcdefabcdef0123456789"))
			.isEqualTo("8f44cfc729d286c9198c969cdc04cbe7ea81aa631641d073c69ff5b984988cbe");
	}

	private static String answer(String tenant, String nonce, String proof) {
		return "{\"status\":\"ok\",\"tenant\":\"" + tenant + "\",\"nonce\":\"" + nonce + "\",\"proof\":\"" + proof
				+ "\"}";
	}

}
