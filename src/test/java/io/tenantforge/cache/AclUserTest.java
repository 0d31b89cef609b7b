package io.tenantforge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tenantforge.tenant.TenantNames;

import org.junit.jupiter.api.Test;
import io.tenantforge.support.UnitTest;

/**
 * Parsing {@code ACL LIST} lines and telling a tenant user's drift, on lines as Redis 7.0
 * prints them.
 */
@UnitTest
class AclUserTest {

	private static final String COMMANDS = "+@all -@dangerous -@scripting -randomkey -select";

	private static final TenantNames ACME = new TenantNames("acme");

	private static final String PASSWORD = "s3cret";

	private static String line(String rules) {
		return "user tenant_acme " + rules;
	}

	@Test
	void aUserAsTheCacheStepLeavesItHasNoDrift() {
		AclUser user = AclUser.parse(line("on sanitize-payload #" + TenantCacheProvisioner.sha256Hex(PASSWORD)
				+ " ~tenant:acme:* resetchannels &tenant:acme:* " + COMMANDS));
		assertThat(user.name()).isEqualTo("tenant_acme");
		assertThat(user.on()).isTrue();
		assertThat(user.keyPatterns()).containsExactly("~tenant:acme:*");
		assertThat(user.commands()).isEqualTo(COMMANDS);
		assertThat(TenantCacheProvisioner.drift(user, ACME, PASSWORD, COMMANDS)).isEmpty();
	}

	@Test
	void widenedKeysExtraCommandsOtherPasswordsAndSelectorsAreDrift() {
		AclUser user = AclUser.parse(line("off nopass #" + TenantCacheProvisioner.sha256Hex("other")
				+ " ~tenant:acme:* ~* allchannels " + COMMANDS + " +flushall (~other:* +get)"));
		List<String> drift = TenantCacheProvisioner.drift(user, ACME, PASSWORD, COMMANDS);
		assertThat(drift).hasSize(7)
			.anySatisfy(d -> assertThat(d).isEqualTo("user is off"))
			.anySatisfy(d -> assertThat(d).contains("nopass"))
			.anySatisfy(d -> assertThat(d).contains("password differs"))
			.anySatisfy(d -> assertThat(d).contains("key patterns [~tenant:acme:*, ~*]"))
			.anySatisfy(d -> assertThat(d).contains("channel patterns [allchannels]"))
			.anySatisfy(d -> assertThat(d).contains("+flushall"))
			.anySatisfy(d -> assertThat(d).isEqualTo("has selectors"));
	}

}
