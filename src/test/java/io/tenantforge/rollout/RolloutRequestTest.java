package io.tenantforge.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;

@UnitTest
class RolloutRequestTest {

	private static final List<String> SCHEMAS = List.of("1", "2");

	@Test
	void aFullRequestIsTakenAsItIsAndDefaultsFillTheRest() throws Exception {
		RolloutRequest request = parse("{\"image\":\"tenantforge/app:v2\",\"schemaVersion\":\"2\","
				+ "\"waves\":[\"1\",\"10%\",\"50%\",\"100%\"],\"maxUnavailable\":2,\"failureThreshold\":1}");
		assertThat(request)
			.isEqualTo(new RolloutRequest("tenantforge/app:v2", "2", List.of("1", "10%", "50%", "100%"), 2, 1));
		assertThat(
				parse("{\"image\":\"app@sha256:" + "a".repeat(64) + "\",\"schemaVersion\":\"1\",\"waves\":[\"100%\"]}"))
			.isEqualTo(new RolloutRequest("app@sha256:" + "a".repeat(64), "1", List.of("100%"), 1, 1));
	}

	@Test
	void everyFieldAtFaultIsNamed() {
		assertFields("{}", "image", "schemaVersion", "waves");
		assertFields(
				"{\"image\":\"a b\",\"schemaVersion\":\"3\",\"waves\":[\"0\",\"101%\",5,\"50%\"],"
						+ "\"maxUnavailable\":0,\"failureThreshold\":\"1\",\"extra\":1}",
				"body", "image", "schemaVersion", "waves[0]", "waves[1]", "waves[2]", "maxUnavailable",
				"failureThreshold");
		assertFields("{\"image\":\"app:v2\",\"schemaVersion\":\"2\",\"waves\":[\"1\",\"50%\"]}", "waves[1]");
		assertFields("{\"image\":\"app:v2;rm -rf\",\"schemaVersion\":\"2\",\"waves\":[\"100%\"]}", "image");
		assertFields("[]", "body");
	}

	private static void assertFields(String json, String... fields) {
		assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(InvalidOrderException.class,
				e -> assertThat(e.errors().stream().map(InvalidOrderException.FieldError::field))
					.containsExactly(fields));
	}

	private static RolloutRequest parse(String json) throws Exception {
		JsonNode body = new ObjectMapper().readTree(json);
		return RolloutRequest.parse(body, SCHEMAS);
	}

}
