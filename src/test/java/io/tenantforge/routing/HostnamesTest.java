package io.tenantforge.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import io.tenantforge.support.InvalidOrderException.FieldError;
import io.tenantforge.support.UnitTest;

import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@UnitTest
class HostnamesTest {

	private static final String BASE = "tenants.test";

	@ParameterizedTest
	@ValueSource(strings = { "shop.acme.com", "a.b", "xn--80ak6aa92e.com", "my-shop.example.co.uk", "1password.com",
			"a1.b2.c3.example" })
	void acceptsLowerCaseAsciiHostnames(String domain) {
		assertThat(Hostnames.problemWith(domain, BASE)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "Shop.acme.com", "SHOP.ACME.COM",
			"shop.аcme.com" /* Cyrillic а */, "a..b.com", "*.x.com", "x.*.com", "127.0.0.1", "10.0.0.1",
			"shop.acme.com.", ".acme.com", "tenants.test", "acme.tenants.test", "deep.acme.tenants.test", "localhost",
			"-shop.acme.com", "shop-.acme.com", "sh_op.acme.com", "shop acme.com", " shop.acme.com", "shop.acme.com ",
			"ab--cd.acme.com", "", "[::1]", "::1", "shop.acme.com:443", "shop.acme.com/x", "xn--.com" })
	void refusesHostileOrMalformedHostnames(String domain) {
		assertThat(Hostnames.problemWith(domain, BASE)).as(domain).isPresent();
	}

	@Test
	void refusesALabelOf64BytesAndAcceptsOneOf63() {
		assertThat(Hostnames.problemWith("a".repeat(64) + ".com", BASE)).get().asString().contains("63");
		assertThat(Hostnames.problemWith("a".repeat(63) + ".com", BASE)).isEmpty();
	}

	@Test
	void refusesMoreThan253BytesAndAcceptsExactly253() {
		String label = "a".repeat(49);
		String of299 = String.join(".", label, label, label, label, label, label); // 6*49
																					// + 5
																					// =
																					// 299
		assertThat(Hostnames.problemWith(of299, BASE)).get().asString().contains("253");
		String of253 = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61));
		assertThat(of253).hasSize(253);
		assertThat(Hostnames.problemWith(of253, BASE)).isEmpty();
	}

	@Test
	void namesTheFieldOfEachFaultyEntry() {
		List<Object> domains = new ArrayList<>(List.of("shop.acme.com", "Bad.com", "ok.example", "ok.example"));
		domains.add(42);
		List<FieldError> errors = Hostnames.problems(domains, BASE);
		assertThat(errors).extracting(FieldError::field).containsExactly("domains[1]", "domains[3]", "domains[4]");
	}

	@Test
	void refusesMoreThanTwentyDomains() {
		List<Object> many = new ArrayList<>();
		for (int i = 0; i < 21; i++) {
			many.add("d" + i + ".example");
		}
		assertThat(Hostnames.problems(many, BASE)).extracting(FieldError::field).containsExactly("domains");
	}

}
