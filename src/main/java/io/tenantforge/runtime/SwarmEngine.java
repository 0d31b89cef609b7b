package io.tenantforge.runtime;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient.Request;

import io.tenantforge.support.CallScope;
import io.tenantforge.support.Gateway;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;

/**
 * The Swarm driver's gateway: the only code that talks to the swarm manager's Engine API,
 * and the only place its faults are classified. It speaks the API's JSON over
 * docker-java's transport rather than docker-java's model classes: those lack what the
 * tenants need of API 1.41 (pids limits, generic-resource reservations, CapabilityDrop of
 * services) and would silently drop them, and camel-docker has no Swarm operations at
 * all.
 * <p>
 * Faults: the manager unreachable, or a 5xx, is transient ({@link RetryableException}); a
 * node that is not a swarm manager (503 "not a swarm manager" / "not part of a swarm")
 * and every 4xx refusal fail the step ({@link StepFailedException}); 404 is an answer
 * ("absent"), 409 on create means "exists" ({@link Conflict}).
 */
public class SwarmEngine implements AutoCloseable {

	static final String API = "/v1.41";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final DockerHttpClient http;

	private final String host;

	public SwarmEngine(String dockerHost) {
		this.host = dockerHost;
		var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
		this.http = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
			.maxConnections(16)
			.connectionTimeout(Duration.ofSeconds(5))
			.responseTimeout(Duration.ofSeconds(60))
			.build();
	}

	/** A name the engine already has (409 on create). */
	public static final class Conflict extends RuntimeException {

		Conflict(String message) {
			super(message);
		}

	}

	public List<JsonNode> services(Map<String, String> labels) {
		return list("/services" + filters(labels));
	}

	public Optional<JsonNode> service(String nameOrId) {
		return get("/services/" + encode(nameOrId));
	}

	/** Creates the service; its id. */
	public String createService(Object spec) {
		return send("POST", "/services/create", spec).orElseThrow().path("ID").asText();
	}

	public void updateService(String id, long version, Object spec) {
		send("POST", "/services/" + encode(id) + "/update?version=" + version, spec);
	}

	/** Removes the service; false when it was gone already. */
	public boolean removeService(String id) {
		return delete("/services/" + encode(id));
	}

	/** Tasks, of one service or (null) of all. */
	public List<JsonNode> tasks(String service) {
		return list(
				"/tasks" + (service == null ? "" : "?filters=" + encode(json(Map.of("service", List.of(service))))));
	}

	public List<JsonNode> nodes() {
		return list("/nodes");
	}

	public Optional<JsonNode> node(String id) {
		return get("/nodes/" + encode(id));
	}

	public void updateNode(String id, long version, Object spec) {
		send("POST", "/nodes/" + encode(id) + "/update?version=" + version, spec);
	}

	public List<JsonNode> secrets(Map<String, String> labels) {
		return list("/secrets" + filters(labels));
	}

	/** Creates a secret (name, labels, data in base64 as the API wants); its id. */
	public String createSecret(Object spec) {
		return send("POST", "/secrets/create", spec).orElseThrow().path("ID").asText();
	}

	public boolean removeSecret(String id) {
		return delete("/secrets/" + encode(id));
	}

	public List<JsonNode> networks(Map<String, String> labels) {
		return list("/networks" + filters(labels));
	}

	/**
	 * The engine's swarm state: {@code active}, {@code inactive}, ... and whether it is a
	 * manager.
	 */
	public JsonNode info() {
		return get("/info").orElseThrow();
	}

	private List<JsonNode> list(String path) {
		List<JsonNode> items = new ArrayList<>();
		get(path).ifPresent(array -> array.forEach(items::add));
		return items;
	}

	private Optional<JsonNode> get(String path) {
		return call("GET", path, null);
	}

	private Optional<JsonNode> send(String method, String path, Object body) {
		Optional<JsonNode> answer = call(method, path, body);
		return answer;
	}

	private boolean delete(String path) {
		return call("DELETE", path, null).isPresent();
	}

	/**
	 * One engine call, counted ({@link CallScope}); 404 is empty, the rest as the class
	 * comment says.
	 */
	private Optional<JsonNode> call(String method, String path, Object body) {
		CallScope.record(Gateway.ENGINE);
		Request.Builder request = Request.builder()
			.method(Request.Method.valueOf(method))
			.path(API + path)
			.putHeader("Content-Type", "application/json");
		if (body != null) {
			request.body(new ByteArrayInputStream(json(body).getBytes(StandardCharsets.UTF_8)));
		}
		int status;
		String text;
		try (DockerHttpClient.Response response = http.execute(request.build())) {
			status = response.getStatusCode();
			try (InputStream in = response.getBody()) {
				text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
		}
		catch (IOException | RuntimeException e) {
			throw new RetryableException(
					"swarm manager at " + host + " unreachable (" + method + " " + path + "): " + e.getMessage(), e);
		}
		if (status == 404) {
			return Optional.empty();
		}
		if (status >= 200 && status < 300) {
			try {
				return Optional.of(text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text));
			}
			catch (IOException e) {
				throw new RetryableException(
						"swarm manager at " + host + " answered " + method + " " + path + " with unreadable JSON", e);
			}
		}
		throw classify(status, method + " " + path, message(text));
	}

	/** The one fault classification of the Swarm driver. */
	static RuntimeException classify(int status, String what, String message) {
		String text = "swarm manager refused " + what + " (" + status + "): " + message;
		String lower = message.toLowerCase(Locale.ROOT);
		if (status == 409) {
			return new Conflict(text);
		}
		if (status == 503 && (lower.contains("not a swarm manager") || lower.contains("not part of a swarm"))) {
			return new StepFailedException(text + " (tenantforge.runtime.docker-host must be a swarm manager)");
		}
		return status >= 500 ? new RetryableException(text) : new StepFailedException(text);
	}

	private static String message(String body) {
		try {
			return JSON.readTree(body).path("message").asText(body).strip();
		}
		catch (IOException e) {
			return body.strip();
		}
	}

	private static String filters(Map<String, String> labels) {
		if (labels == null || labels.isEmpty()) {
			return "";
		}
		List<String> label = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
		return "?filters=" + encode(json(Map.of("label", label)));
	}

	static String json(Object value) {
		try {
			return JSON.writeValueAsString(value);
		}
		catch (IOException e) {
			throw new IllegalArgumentException(e);
		}
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	@Override
	public void close() throws IOException {
		http.close();
	}

}
