package io.tenantforge.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import io.tenantforge.support.UnitTest;

@UnitTest
class ConditionsJsonTest {

	private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
		.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

	@Test
	void aViewsConditionsAreWrittenAsTheMapperWritesThemAndEachListAsItsOwn() throws Exception {
		List<Condition> first = List.of(condition("Provisioned", "2026-12-02T01:00:00.123456789Z"));
		List<Condition> second = List.of(condition("Running", "2026-12-02T01:00:01Z"));

		Map<?, ?> once = viewJson(first);
		Map<?, ?> again = viewJson(first);
		Map<?, ?> other = viewJson(second);

		assertThat(once.get("conditions")).isEqualTo(json.readValue(json.writeValueAsString(first), List.class));
		assertThat(again).isEqualTo(once);
		assertThat(other.get("conditions")).isEqualTo(json.readValue(json.writeValueAsString(second), List.class))
			.isNotEqualTo(once.get("conditions"));
		// another mapper writes the same list its own way
		ObjectMapper numeric = new ObjectMapper().registerModule(new JavaTimeModule())
			.enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
		TenantView view = new TenantView("acme", "Acme", "acme", "basic", TenantStatus.ACTIVE, first,
				"http://127.0.0.1:1", null, List.of(), Instant.EPOCH, Instant.EPOCH, null);
		assertThat(numeric.readValue(numeric.writeValueAsString(view), Map.class).get("conditions"))
			.isEqualTo(numeric.readValue(numeric.writeValueAsString(first), List.class))
			.isNotEqualTo(once.get("conditions"));
		// equal content in another list: written for itself, the same JSON
		assertThat(viewJson(List.copyOf(new java.util.ArrayList<>(first))).get("conditions"))
			.isEqualTo(once.get("conditions"));
	}

	private Map<?, ?> viewJson(List<Condition> conditions) throws Exception {
		TenantView view = new TenantView("acme", "Acme", "acme", "basic", TenantStatus.ACTIVE, conditions,
				"http://127.0.0.1:1", null, List.of(), Instant.EPOCH, Instant.EPOCH, null);
		return json.readValue(json.writeValueAsString(view), Map.class);
	}

	private static Condition condition(String reason, String at) {
		return new Condition(Condition.HEALTHY, Condition.Status.TRUE, reason, "message of " + reason,
				Instant.parse(at));
	}

}
