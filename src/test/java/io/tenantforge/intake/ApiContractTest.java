package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.RestRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The API's contract (api/openapi.yaml) is what the control plane serves and what it is
 * built from: the document it serves is the checked-in file the client is generated from,
 * every operation is served and nothing else, and every operation says what it answers.
 * That real traffic conforms is checked on every exchange of every API test (see
 * {@link io.tenantforge.support.ContractValidator}).
 */
@IntegrationTest
class ApiContractTest {

	private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

	@Autowired
	Api api;

	@Autowired
	CamelContext camel;

	@Test
	void theServedContractIsTheCheckedInFileTheClientIsGeneratedFrom() throws IOException {
		String checkedIn = Files.readString(Path.of("src/main/resources/api/openapi.yaml"));

		HttpResponse<String> yaml = asViewer("/api/v1/openapi.yaml");
		HttpResponse<String> json = asViewer("/api/v1/openapi.json");

		assertThat(yaml.statusCode()).isEqualTo(200);
		assertThat(yaml.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
		assertThat(yaml.body()).isEqualTo(checkedIn);
		assertThat(json.statusCode()).isEqualTo(200);
		assertThat(json.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
		assertThat(api.read(json.body())).isEqualTo(new YAMLMapper().readTree(checkedIn));
	}

	@Test
	void everyOperationOfTheContractIsServedAndNothingElseUnderTheApi() throws IOException {
		JsonNode contract = contract();
		String base = contract.path("servers").path(0).path("url").asText();
		Set<String> documented = new HashSet<>();
		operations(contract)
			.forEach(op -> documented.add(op.method().toUpperCase(Locale.ROOT) + " " + base + op.path()));

		Set<String> served = new HashSet<>();
		for (RestRegistry.RestService service : camel.getRestRegistry().listAllRestServices()) {
			String path = service.getUrl().replaceFirst("^[a-z]+://[^/]*", "");
			if (path.startsWith("/api/")) {
				served.add(service.getMethod().toUpperCase(Locale.ROOT) + " " + path);
			}
		}

		assertThat(served).as("REST endpoints under /api").containsExactlyInAnyOrderElementsOf(documented);
	}

	@Test
	void everyOperationIsDescribedNeedsBasicAuthAndAnswersErrorsAsProblems() throws IOException {
		JsonNode contract = contract();

		assertThat(contract.path("servers")).hasSize(1);
		assertThat(contract.path("servers").path(0).path("url").asText()).as("relative: the address it was read from")
			.isEqualTo("/api/v1");
		assertThat(contract.at("/components/securitySchemes/basicAuth/scheme").asText()).isEqualTo("basic");
		Set<String> tags = new HashSet<>(contract.path("tags").findValuesAsText("name"));
		for (Operation op : operations(contract)) {
			JsonNode operation = op.operation();
			String name = op.method() + " " + op.path();
			assertThat(operation.path("operationId").asText()).as(name).isNotBlank();
			assertThat(operation.path("summary").asText()).as(name).isNotBlank();
			assertThat(operation.path("description").asText()).as(name).isNotBlank();
			assertThat(operation.path("tags")).as(name).isNotEmpty();
			operation.path("tags").forEach(tag -> assertThat(tags).as(name).contains(tag.asText()));
			assertThat(operation.path("security").path(0).has("basicAuth")).as(name + ": HTTP Basic, on the operation")
				.isTrue();
			JsonNode responses = operation.path("responses");
			assertThat(responses.has("401")).as(name + " answers 401").isTrue();
			assertThat(responses.has("default")).as(name + ": every status named, no default").isFalse();
			for (Iterator<Map.Entry<String, JsonNode>> it = responses.fields(); it.hasNext();) {
				Map.Entry<String, JsonNode> response = it.next();
				JsonNode resolved = resolve(contract, response.getValue());
				if (response.getKey().startsWith("2")) {
					assertThat(resolved.path("content").size()).as(name + " " + response.getKey()).isEqualTo(1);
				}
				else {
					assertThat(resolved.path("content").fieldNames()).as(name + " " + response.getKey())
						.toIterable()
						.containsExactly("application/problem+json");
					assertThat(resolved.at("/content/application~1problem+json/schema/$ref").asText())
						.isEqualTo("#/components/schemas/Problem");
				}
			}
			for (JsonNode parameter : op.parameters()) {
				JsonNode resolved = resolve(contract, parameter);
				if ("path".equals(resolved.path("in").asText())) {
					assertThat(resolve(contract, resolved.path("schema")).path("pattern").asText())
						.as(name + ": pattern of " + resolved.path("name").asText())
						.isNotBlank();
				}
			}
		}
	}

	@Test
	void aBodyThatIsNotJsonIsRefusedWith415() {
		HttpResponse<String> order = api.sendAs("POST", "/api/v1/tenants", "text/plain",
				anOrder().withSubdomain("plain-text").build());
		HttpResponse<String> latin1 = api.sendAs("POST", "/api/v1/tenants", "application/json; charset=ISO-8859-1",
				anOrder().withSubdomain("latin-one").build());
		HttpResponse<String> tier = api.sendAs("PATCH", "/api/v1/tenants/nobody-here",
				"application/x-www-form-urlencoded", "tier=pro");
		HttpResponse<String> none = api.sendAs("POST", "/api/v1/tenants", null,
				anOrder().withSubdomain("no-type").build());

		for (HttpResponse<String> response : List.of(order, latin1, tier, none)) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(415);
			assertThat(response.headers().firstValue("Content-Type"))
				.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		}
		assertThat(api.get("/api/v1/tenants/plain-text").statusCode()).isEqualTo(404);
	}

	@Test
	void withoutCredentialsOrWithTheWrongRoleTheAnswerIsAProblemDocument() {
		HttpResponse<String> anonymous = api.getWithoutCredentials("/api/v1/tenants");
		HttpResponse<String> viewer = api.requestAs("viewer", "viewer-password", "DELETE", "/api/v1/tenants/nobody",
				null);

		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"tenantforge\"");
		assertThat(api.read(anonymous.body()).path("status").asInt()).isEqualTo(401);
		assertThat(viewer.statusCode()).isEqualTo(403);
		assertThat(api.read(viewer.body()).path("status").asInt()).isEqualTo(403);
	}

	private HttpResponse<String> asViewer(String path) {
		return api.requestAs("viewer", "viewer-password", "GET", path, null);
	}

	static JsonNode contract() throws IOException {
		return new YAMLMapper().readTree(Path.of("src/main/resources/api/openapi.yaml").toFile());
	}

	private static JsonNode resolve(JsonNode contract, JsonNode node) {
		JsonNode resolved = node;
		while (resolved.has("$ref")) {
			resolved = contract.at(resolved.path("$ref").asText().substring(1));
		}
		return resolved;
	}

	private static List<Operation> operations(JsonNode contract) {
		List<Operation> operations = new ArrayList<>();
		contract.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(entry -> {
			if (METHODS.contains(entry.getKey())) {
				List<JsonNode> parameters = new ArrayList<>();
				path.getValue().path("parameters").forEach(parameters::add);
				entry.getValue().path("parameters").forEach(parameters::add);
				operations.add(new Operation(path.getKey(), entry.getKey(), entry.getValue(), parameters));
			}
		}));
		return operations;
	}

	private record Operation(String path, String method, JsonNode operation, List<JsonNode> parameters) {
	}

}
