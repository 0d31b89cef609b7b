package io.tenantforge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Issue 13, item 7: a tenant id in a URL is percent-decoded once and checked like a slug;
 * one that cannot be a slug is refused (400 naming {@code id}) quoting at most a short,
 * escaped excerpt. Before, {@code GET
 * /api/v1/tenants/%C3%A9} answered "no tenant '%C3%A9'" and a 5 000-character id came
 * back whole.
 */
@IntegrationTest
class TenantIdInPathTest {

	@Autowired
	Api api;

	@Test
	void aPercentEncodedIdIsDecodedOnceAndCheckedLikeASlug() {
		HttpResponse<String> accented = api.get("/api/v1/tenants/%C3%A9");
		HttpResponse<String> encodedSlug = api.get("/api/v1/tenants/%6Eobody-here");
		HttpResponse<String> upperCase = api.get("/api/v1/tenants/Nobody-Here");
		HttpResponse<String> reserved = api.get("/api/v1/tenants/admin");

		assertRefusedNamingId(accented);
		assertThat(detail(accented)).contains("'\\u00e9'").doesNotContain("%C3%A9");
		assertThat(encodedSlug.statusCode()).as("decoded to nobody-here, then looked up").isEqualTo(404);
		assertThat(detail(encodedSlug)).contains("'nobody-here'");
		assertRefusedNamingId(upperCase);
		assertRefusedNamingId(reserved);
		assertThat(detail(reserved)).contains("reserved");
	}

	@Test
	void aLongIdIsNeverEchoedWhole() {
		String id = "a".repeat(5000);

		List<HttpResponse<String>> answers = List.of(api.get("/api/v1/tenants/" + id),
				api.post("/api/v1/tenants/" + id + "/suspend", ""), api.post("/api/v1/tenants/" + id + "/resume", ""),
				api.patch("/api/v1/tenants/" + id, "{\"tier\":\"pro\"}"), api.delete("/api/v1/tenants/" + id));

		for (HttpResponse<String> answer : answers) {
			assertRefusedNamingId(answer);
			assertThat(answer.body()).hasSizeLessThan(600).doesNotContain("a".repeat(33));
			assertThat(detail(answer)).contains("(5000 characters)");
		}
	}

	@Test
	void everyOperationOnATenantChecksItsId() {
		String id = "%E2%80%AEacme";

		assertRefusedNamingId(api.get("/api/v1/tenants/" + id));
		assertRefusedNamingId(api.post("/api/v1/tenants/" + id + "/suspend", ""));
		assertRefusedNamingId(api.post("/api/v1/tenants/" + id + "/resume", ""));
		assertRefusedNamingId(api.patch("/api/v1/tenants/" + id, "{\"tier\":\"pro\"}"));
		assertRefusedNamingId(api.delete("/api/v1/tenants/" + id));
		assertThat(detail(api.get("/api/v1/tenants/" + id))).contains("\\u202eacme");
	}

	private void assertRefusedNamingId(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = api.read(response.body());
		assertThat(problem.path("errors").findValuesAsText("field")).containsExactly("id");
	}

	private String detail(HttpResponse<String> response) {
		return api.read(response.body()).path("detail").asText();
	}

}
