package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Hostile and malformed orders over REST: each gets 400 problem+json naming the field,
 * and leaves no role, schema, ACL user, container or tenant record behind.
 */
@IntegrationTest
class InvalidOrderTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	static Stream<Arguments> invalidOrders() {
		return Stream.of(Arguments.of("uppercase subdomain", anOrder().withSubdomain("Acme").build(), "subdomain"),
				Arguments.of("all uppercase", anOrder().withSubdomain("ACME").build(), "subdomain"),
				Arguments.of("leading space", anOrder().withSubdomain(" acme").build(), "subdomain"),
				Arguments.of("trailing space", anOrder().withSubdomain("acme ").build(), "subdomain"),
				Arguments.of("trailing newline", anOrder().withSubdomain("acme\n").build(), "subdomain"),
				Arguments.of("SQL injection", anOrder().withSubdomain("acme'; DROP ROLE postgres; --").build(),
						"subdomain"),
				Arguments.of("SQL quote identifier", anOrder().withSubdomain("acme\" CASCADE").build(), "subdomain"),
				Arguments.of("shell substitution", anOrder().withSubdomain("acme$(reboot)").build(), "subdomain"),
				Arguments.of("shell backticks", anOrder().withSubdomain("acme`id`").build(), "subdomain"),
				Arguments.of("shell separator", anOrder().withSubdomain("acme;rm -rf /").build(), "subdomain"),
				Arguments.of("Redis glob", anOrder().withSubdomain("acme*").build(), "subdomain"),
				Arguments.of("Cyrillic look-alike", anOrder().withSubdomain("\u0430cme").build(), "subdomain"),
				Arguments.of("full-width look-alike", anOrder().withSubdomain("\uff41cme").build(), "subdomain"),
				Arguments.of("NUL byte", anOrder().withSubdomain("acme\u0000").build(), "subdomain"),
				Arguments.of("31 bytes", anOrder().withSubdomain("a".repeat(31)).build(), "subdomain"),
				Arguments.of("2 bytes", anOrder().withSubdomain("ab").build(), "subdomain"),
				Arguments.of("reserved admin", anOrder().withSubdomain("admin").build(), "subdomain"),
				Arguments.of("reserved postgres", anOrder().withSubdomain("postgres").build(), "subdomain"),
				Arguments.of("reserved template1", anOrder().withSubdomain("template1").build(), "subdomain"),
				Arguments.of("double hyphen", anOrder().withSubdomain("acme--corp").build(), "subdomain"),
				Arguments.of("leading hyphen", anOrder().withSubdomain("-acme").build(), "subdomain"),
				Arguments.of("underscore", anOrder().withSubdomain("acme_corp").build(), "subdomain"),
				Arguments.of("dot", anOrder().withSubdomain("acme.evil").build(), "subdomain"),
				Arguments.of("leading digit", anOrder().withSubdomain("1acme").build(), "subdomain"),
				Arguments.of("subdomain is a number", anOrder().withSubdomain(42).build(), "subdomain"),
				Arguments.of("subdomain is an array", "{\"name\":\"Acme\",\"subdomain\":[\"acme\"],\"tier\":\"basic\"}",
						"subdomain"),
				Arguments.of("missing subdomain", anOrder().without("subdomain").build(), "subdomain"),
				Arguments.of("missing name", anOrder().without("name").build(), "name"),
				Arguments.of("blank name", anOrder().withName("   ").build(), "name"),
				Arguments.of("name with a control character", anOrder().withName("Acme\u0007").build(), "name"),
				Arguments.of("name is a number", anOrder().withName(123).build(), "name"),
				Arguments.of("missing tier", anOrder().without("tier").build(), "tier"),
				Arguments.of("unknown tier", anOrder().withTier("platinum").build(), "tier"),
				Arguments.of("tier is a number", anOrder().withTier(5).build(), "tier"),
				Arguments.of("orderId with spaces", anOrder().withOrderId("order 1").build(), "orderId"),
				Arguments.of("unknown field", anOrder().with("isAdmin", true).build(), "isAdmin"),
				Arguments.of("malformed JSON", "{\"name\": \"Acme\", \"subdomain\": ", "body"),
				Arguments.of("array body", "[]", "body"), Arguments.of("empty body", "", "body"),
				Arguments.of("body over the order limit", anOrder().withName("A".repeat(20_000)).build(), "body"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("invalidOrders")
	void invalidOrderIsRejectedWithTheFieldNamedAndLeavesNothingBehind(String description, String body, String field) {
		Set<String> before = fixtures.footprint();

		HttpResponse<String> response = api.postOrderBytes(body.getBytes(StandardCharsets.UTF_8));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = api.read(response.body());
		assertThat(problem.path("status").asInt()).isEqualTo(400);
		assertThat(problem.path("errors").findValuesAsText("field")).contains(field);
		assertThat(fixtures.footprint()).isEqualTo(before);
	}

}
