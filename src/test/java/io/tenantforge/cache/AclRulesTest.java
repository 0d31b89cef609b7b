package io.tenantforge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.tenantforge.tenant.TenantNames;

import org.junit.jupiter.api.Test;
import io.tenantforge.support.UnitTest;

@UnitTest
class AclRulesTest {

	@Test
	void rulesStartFromResetAndCarryOnlyAHashOfThePassword() {
		List<String> rules = TenantCacheProvisioner.aclRules(new TenantNames("acme"), "s3cret");

		assertThat(rules.subList(0, 2)).containsExactly("reset", "on");
		assertThat(rules)
			.contains("~tenant:acme:*", "&tenant:acme:*", "-@dangerous", "-@admin", "-@scripting", "-keys", "-scan",
					"-select", "-flushall", "-flushdb", "-config", "-acl")
			.contains("#" + TenantCacheProvisioner.sha256Hex("s3cret"))
			.noneMatch(rule -> rule.contains("s3cret"));
	}

}
