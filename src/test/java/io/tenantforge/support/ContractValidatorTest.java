package io.tenantforge.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.net.ssl.SSLSession;

import org.junit.jupiter.api.Test;

/**
 * The traffic check catches what drifts from the contract (without a control plane:
 * exchanges made up here).
 */
@UnitTest
class ContractValidatorTest {

	private static final String TENANT = "{\"id\":\"acme\",\"name\":\"Acme\",\"subdomain\":\"acme\",\"tier\":\"basic\","
			+ "\"status\":\"ACTIVE\",\"conditions\":[{\"type\":\"Healthy\",\"status\":\"True\",\"reason\":\"Ok\","
			+ "\"message\":\"fine\",\"lastTransitionTime\":\"2026-12-01T07:00:00.123456Z\"}],"
			+ "\"endpoint\":null,\"url\":null,\"domains\":[],\"node\":null,\"createdAt\":\"2026-12-01T07:00:00Z\",\"updatedAt\":\"2026-12-01T07:00:01Z\"";

	private static final String PROBLEM = "{\"type\":\"about:blank\",\"title\":\"Not found\",\"status\":404}";

	@Test
	void aDeclaredAnswerPasses() {
		assertThatCode(() -> check(get("/api/v1/tenants/acme"), 200, "application/json", TENANT + "}"))
			.doesNotThrowAnyException();
		assertThatCode(() -> check(get("/api/v1/tenants/acme"), 404, "application/problem+json", PROBLEM))
			.doesNotThrowAnyException();
	}

	@Test
	void anUndeclaredFieldStatusOrMediaTypeFails() {
		assertThatThrownBy(
				() -> check(get("/api/v1/tenants/acme"), 200, "application/json", TENANT + ",\"undeclared\":\"x\"}"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("does not declare");
		assertThatThrownBy(() -> check(get("/api/v1/tenants/acme"), 409, "application/problem+json", PROBLEM))
			.isInstanceOf(AssertionError.class);
		assertThatThrownBy(() -> check(get("/api/v1/tenants/acme"), 404, "application/json", PROBLEM))
			.isInstanceOf(AssertionError.class);
	}

	@Test
	void aForbiddenRequestMustBeRefused() {
		HttpRequest anonymous = HttpRequest.newBuilder(URI.create("http://127.0.0.1/api/v1/tenants")).GET().build();

		assertThatThrownBy(() -> check(anonymous, 200, "application/json", "[]")).isInstanceOf(AssertionError.class)
			.hasMessageContaining("forbids");
		assertThatCode(() -> check(anonymous, 401, "application/problem+json",
				"{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401}", "WWW-Authenticate", "Basic"))
			.doesNotThrowAnyException();
	}

	private static HttpRequest get(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1" + path))
			.header("Authorization", "Basic eDp5")
			.GET()
			.build();
	}

	private static void check(HttpRequest request, int status, String contentType, String body, String... headers) {
		Map<String, List<String>> map = new java.util.HashMap<>(Map.of("Content-Type", List.of(contentType)));
		for (int i = 0; i < headers.length; i += 2) {
			map.put(headers[i], List.of(headers[i + 1]));
		}
		ContractValidator.check(request, null, new Answer(request, status, HttpHeaders.of(map, (k, v) -> true), body));
	}

	private record Answer(HttpRequest request, int statusCode, HttpHeaders headers,
			String body) implements HttpResponse<String> {

		@Override
		public Optional<HttpResponse<String>> previousResponse() {
			return Optional.empty();
		}

		@Override
		public Optional<SSLSession> sslSession() {
			return Optional.empty();
		}

		@Override
		public URI uri() {
			return request.uri();
		}

		@Override
		public HttpClient.Version version() {
			return HttpClient.Version.HTTP_1_1;
		}

	}

}
