package io.tenantforge.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.tenantforge.support.UnitTest;

@UnitTest
class TenantNamesTest {

	@Test
	void everyNameIsDerivedFromTheSlug() {
		TenantNames names = new TenantNames("acme-corp");

		assertThat(names.databaseRole()).isEqualTo("tenant_acme_corp");
		assertThat(names.databaseSchema()).isEqualTo("tenant_acme_corp");
		assertThat(names.redisUser()).isEqualTo("tenant_acme_corp");
		assertThat(names.redisNamespace()).isEqualTo("tenant:acme-corp:");
		assertThat(names.redisPattern()).isEqualTo("tenant:acme-corp:*");
		assertThat(names.containerName()).isEqualTo("tenant-acme-corp");
	}

	@ParameterizedTest
	@ValueSource(strings = { "abc", "acme", "acme-corp", "a1-b2-c3", "x23456789012345678901234567890" })
	void validSlugsAreAccepted(String slug) {
		assertThat(TenantNames.problemWith(slug)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "ab", "Acme", " acme", "acme ", "acme-", "-acme", "a--b", "1abc", "acme_corp",
			"\u0430cme", "x234567890123456789012345678901", "admin", "www", "postgres", "pg-foo", "template0" })
	void invalidSlugsAreRefused(String slug) {
		assertThat(TenantNames.problemWith(slug)).isPresent();
		assertThatThrownBy(() -> new TenantNames(slug)).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void lengthIsCountedInBytesOfTheRawInput() {
		assertThat(TenantNames.problemWith("\u00e9".repeat(16)))
			.hasValueSatisfying(p -> assertThat(p).contains("bytes"));
	}

}
