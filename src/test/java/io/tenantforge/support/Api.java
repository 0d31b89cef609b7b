package io.tenantforge.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.springframework.boot.test.context.TestComponent;
import org.springframework.core.env.Environment;

/**
 * A plain HTTP client of the control plane's REST API, as an outside tool would call it.
 * Every exchange with the API is held to the API's contract ({@link ContractValidator}).
 */
@TestComponent
public class Api {

	public static final String ADMIN_PASSWORD = "test-admin-password";

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Environment environment;

	private final ObjectMapper json = new ObjectMapper();

	public Api(Environment environment) {
		this.environment = environment;
	}

	public HttpResponse<String> postOrder(String body) {
		return postOrderBytes(body.getBytes(StandardCharsets.UTF_8));
	}

	public HttpResponse<String> postOrderBytes(byte[] body) {
		return send("POST", "/api/v1/tenants", "application/json", body, true);
	}

	public HttpResponse<String> post(String path, String body) {
		return send("POST", path, "application/json", utf8(body), true);
	}

	public HttpResponse<String> patch(String path, String body) {
		return send("PATCH", path, "application/json", utf8(body), true);
	}

	/** A request with a body of any media type (null: no Content-Type). */
	public HttpResponse<String> sendAs(String method, String path, String contentType, String body) {
		return send(method, path, contentType, utf8(body), true);
	}

	public HttpResponse<String> delete(String path) {
		return send("DELETE", path, null, null, true);
	}

	/** Any request as any user (null user: no credentials). */
	public HttpResponse<String> requestAs(String user, String password, String method, String path, String body) {
		HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
			.method(method,
					body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
		if (user != null) {
			builder.header("Authorization", basic(user, password));
		}
		return exchange(builder, utf8(body));
	}

	/** A request whose body is streamed without a declared length (chunked). */
	public HttpResponse<String> postChunked(String path, byte[] body) {
		return exchange(
				request(path).header("Content-Type", "application/json")
					.header("Authorization", basic("admin", ADMIN_PASSWORD))
					.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))),
				body);
	}

	public HttpResponse<String> get(String path) {
		return send("GET", path, null, null, true);
	}

	public HttpResponse<String> getWithoutCredentials(String path) {
		return send("GET", path, null, null, false);
	}

	public HttpResponse<String> postWithoutCredentials(String path, String body) {
		return send("POST", path, "application/json", utf8(body), false);
	}

	public JsonNode tenant(String id) {
		return read(get("/api/v1/tenants/" + id).body());
	}

	public JsonNode read(String body) {
		try {
			return json.readTree(body);
		}
		catch (IOException e) {
			throw new UncheckedIOException("not JSON: " + body, e);
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] utf8(String body) {
		return body == null ? null : body.getBytes(StandardCharsets.UTF_8);
	}

	/** The control plane's address, e.g. for a client of its own. */
	public String baseUrl() {
		return "http://127.0.0.1:" + environment.getRequiredProperty("local.server.port");
	}

	private HttpRequest.Builder request(String path) {
		String port = environment.getRequiredProperty("local.server.port");
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
	}

	private HttpResponse<String> send(String method, String path, String contentType, byte[] body,
			boolean authenticated) {
		HttpRequest.Builder builder = request(path).method(method,
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		if (contentType != null) {
			builder.header("Content-Type", contentType);
		}
		if (authenticated) {
			builder.header("Authorization", basic("admin", ADMIN_PASSWORD));
		}
		return exchange(builder, body);
	}

	/**
	 * Sends the request and holds the exchange to the API's contract
	 * ({@link ContractValidator}).
	 */
	private HttpResponse<String> exchange(HttpRequest.Builder builder, byte[] body) {
		HttpRequest request = builder.build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			ContractValidator.check(request, body, response);
			return response;
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(e);
		}
	}

}
