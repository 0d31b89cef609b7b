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

/** A plain HTTP client of the control plane's REST API, as an outside tool would call it. */
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
		return send(request("/api/v1/tenants").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)), true);
	}

	public HttpResponse<String> postOrderBytes(byte[] body) {
		return send(request("/api/v1/tenants").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofByteArray(body)), true);
	}

	public HttpResponse<String> post(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)), true);
	}

	public HttpResponse<String> patch(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.method("PATCH", HttpRequest.BodyPublishers.ofString(body)), true);
	}

	public HttpResponse<String> delete(String path) {
		return send(request(path).DELETE(), true);
	}

	/** Any request as any user (null user: no credentials). */
	public HttpResponse<String> requestAs(String user, String password, String method, String path, String body) {
		HttpRequest.Builder builder = request(path).header("Content-Type", "application/json")
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body));
		if (user != null) {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
		}
		return send(builder, false);
	}

	/** A request whose body is streamed without a declared length (chunked). */
	public HttpResponse<String> postChunked(String path, byte[] body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))), true);
	}

	public HttpResponse<String> get(String path) {
		return send(request(path).GET(), true);
	}

	public HttpResponse<String> getWithoutCredentials(String path) {
		return send(request(path).GET(), false);
	}

	public HttpResponse<String> postWithoutCredentials(String path, String body) {
		return send(request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body)), false);
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

	private HttpRequest.Builder request(String path) {
		String port = environment.getRequiredProperty("local.server.port");
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
	}

	private HttpResponse<String> send(HttpRequest.Builder builder, boolean authenticated) {
		if (authenticated) {
			builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
		}
		try {
			return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
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
