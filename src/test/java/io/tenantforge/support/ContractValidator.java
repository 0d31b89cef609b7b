package io.tenantforge.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import io.tenantforge.intake.ApiContract;

import org.springframework.core.io.ClassPathResource;

/**
 * Holds the API tests' traffic to the API's contract ({@value ApiContract#LOCATION}, the
 * file the control plane is built from and serves): every response to a request the
 * contract allows must be one the contract declares for the operation, status, headers
 * and body; a request the contract forbids (no credentials, a body that is not an order,
 * an id that is no slug, a path that is not there) must be refused with a 4xx, itself one
 * the operation declares. {@link Api} calls it on every {@code /api/v1} exchange, so no
 * test can see an answer the contract does not describe.
 */
public final class ContractValidator {

	private static final String BASE_PATH = "/api/v1";

	/**
	 * The request matched no operation: there is no response of the contract to check it
	 * against.
	 */
	private static final Set<String> NO_OPERATION = Set.of("validation.request.path.missing",
			"validation.request.operation.notAllowed");

	private static final OpenApiInteractionValidator VALIDATOR = OpenApiInteractionValidator
		.createForInlineApiSpecification(contract())
		.build();

	private ContractValidator() {
	}

	/**
	 * Fails (AssertionError) when the exchange breaks the contract; an exchange outside
	 * the API passes.
	 */
	public static void check(HttpRequest sent, byte[] body, HttpResponse<String> received) {
		URI uri = sent.uri();
		String path = uri.getRawPath();
		if (!path.equals(BASE_PATH) && !path.startsWith(BASE_PATH + "/")) {
			return;
		}
		Request.Method method = Request.Method.valueOf(sent.method());
		SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
		sent.headers().map().forEach(request::withHeader);
		if (body != null && body.length > 0) {
			request.withBody(body);
		}
		if (uri.getRawQuery() != null) {
			for (String pair : uri.getRawQuery().split("&")) {
				String[] nameValue = pair.split("=", 2);
				request.withQueryParam(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
			}
		}
		SimpleResponse.Builder response = new SimpleResponse.Builder(received.statusCode());
		received.headers().map().forEach(response::withHeader);
		if (!received.body().isEmpty()) {
			response.withBody(received.body());
		}

		ValidationReport requestReport = VALIDATOR.validateRequest(request.build());
		boolean operationFound = requestReport.getMessages().stream().noneMatch(m -> NO_OPERATION.contains(m.getKey()));
		ValidationReport responseReport = operationFound ? VALIDATOR.validateResponse(path, method, response.build())
				: ValidationReport.empty();
		int status = received.statusCode();
		String exchange = sent.method() + " " + path + " -> " + status;
		if (requestReport.hasErrors() && (status < 400 || status >= 500)) {
			throw new AssertionError("the API accepted a request its contract forbids: " + exchange + "\n"
					+ messages(requestReport) + "\nresponse: " + excerpt(received.body()));
		}
		if (responseReport.hasErrors()) {
			throw new AssertionError("the API answered what its contract does not declare: " + exchange + "\n"
					+ messages(responseReport) + "\nresponse: " + excerpt(received.body()));
		}
	}

	private static String messages(ValidationReport report) {
		return report.getMessages()
			.stream()
			.filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
			.map(m -> "  " + m.getKey() + ": " + m.getMessage())
			.collect(Collectors.joining("\n"));
	}

	private static String excerpt(String body) {
		return body.length() > 2000 ? body.substring(0, 2000) + "..." : body;
	}

	private static String contract() {
		try (InputStream in = new ClassPathResource(ApiContract.LOCATION).getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

}
