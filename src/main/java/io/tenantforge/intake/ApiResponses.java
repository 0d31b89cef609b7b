package io.tenantforge.intake;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.InvalidTenantIdException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.support.TransientFaults;
import io.tenantforge.support.UnsupportedMediaTypeException;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantQueries;
import io.tenantforge.tenant.TenantView;
import io.tenantforge.tenant.TenantViews;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.ExchangeHelper;
import org.springframework.stereotype.Component;

/**
 * Shapes HTTP responses of the REST routes: JSON bodies, status codes, problem details
 * (RFC 9457), and no request header echoed back. Each answer is one that the contract
 * (api/openapi.yaml) declares for the operation.
 */
@Component
public class ApiResponses {

	private static final String JSON = "application/json";

	private static final String PROBLEM_JSON = "application/problem+json";

	private static final String YAML = "application/yaml";

	private final ObjectMapper json;

	private final OrderRejections rejections;

	private final TenantViews views;

	public ApiResponses(ObjectMapper json, OrderRejections rejections, TenantViews views) {
		this.json = json;
		this.rejections = rejections;
		this.views = views;
	}

	/**
	 * 200 with the body as JSON (and a {@code Link} to the next page of a paged list).
	 */
	public void ok(Exchange exchange) {
		respond(exchange, 200, JSON, exchange.getMessage().getBody());
		String nextPage = exchange.getProperty(TenantQueries.NEXT_PAGE, String.class);
		if (nextPage != null) {
			exchange.getMessage().setHeader("Link", "<" + nextPage + ">; rel=\"next\"");
		}
	}

	/** 201 with the body as JSON: something made at once (a backup). */
	public void created(Exchange exchange) {
		respond(exchange, 201, JSON, exchange.getMessage().getBody());
	}

	/** 200 with the body, a YAML document, as it is. */
	public void okYaml(Exchange exchange) {
		String document = exchange.getMessage().getBody(String.class);
		Message message = exchange.getMessage();
		message.removeHeaders("*");
		message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
		message.setHeader(Exchange.CONTENT_TYPE, YAML);
		message.setBody(document);
	}

	/** 202 with a Location for a new tenant, 200 for an order seen before. */
	public void orderAccepted(Exchange exchange) {
		IntakeResult result = exchange.getMessage().getBody(IntakeResult.class);
		TenantView view = views.of(result.tenant());
		respond(exchange, result.created() ? 202 : 200, JSON, view);
		exchange.getMessage().setHeader("Location", "/api/v1/tenants/" + view.id());
	}

	/** Exchange property: the Location of what {@link #accepted} answers with. */
	public static final String LOCATION = io.tenantforge.support.Headers.LOCATION;

	/**
	 * 202 with the body as JSON and a {@code Location} (exchange property
	 * {@value #LOCATION}).
	 */
	public void accepted(Exchange exchange) {
		String location = exchange.getProperty(LOCATION, String.class);
		respond(exchange, 202, JSON, exchange.getMessage().getBody());
		exchange.getMessage().setHeader("Location", location);
	}

	/** 202 with the tenant whose new desired state was recorded. */
	public void changeAccepted(Exchange exchange) {
		Tenant tenant = exchange.getMessage().getBody(Tenant.class);
		respond(exchange, 202, JSON, views.of(tenant));
		exchange.getMessage().setHeader("Location", "/api/v1/tenants/" + tenant.id());
	}

	/** Maps the caught exception to a problem document. */
	public void problem(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		if ("intake-rest-order".equals(ExchangeHelper.getRouteId(exchange))) {
			rejections.count(exchange, "rest");
		}
		Map<String, Object> problem = new LinkedHashMap<>();
		int status;
		if (cause instanceof InvalidOrderException invalid) {
			boolean path = invalid instanceof InvalidTenantIdException;
			status = 400;
			problem.put("type", "https://tenantforge.io/problems/" + (path ? "invalid-tenant-id" : "invalid-order"));
			problem.put("title", path ? "Invalid tenant id" : "Invalid order");
			problem.put("detail", invalid.getMessage());
			problem.put("errors", invalid.errors());
		}
		else if (cause instanceof ConflictException conflict) {
			status = 409;
			problem.put("type", "https://tenantforge.io/problems/conflict");
			problem.put("title", "Conflict");
			problem.put("detail", conflict.getMessage());
		}
		else if (cause instanceof UnsupportedMediaTypeException unsupported) {
			status = 415;
			problem.put("type", "https://tenantforge.io/problems/unsupported-media-type");
			problem.put("title", "Unsupported media type");
			problem.put("detail", unsupported.getMessage());
		}
		else if (cause instanceof NotFoundException notFound) {
			status = 404;
			problem.put("type", "https://tenantforge.io/problems/not-found");
			problem.put("title", "Not found");
			problem.put("detail", notFound.getMessage());
		}
		else if (cause != null && TransientFaults.isTransient(cause)) {
			status = 503;
			problem.put("type", "https://tenantforge.io/problems/unavailable");
			problem.put("title", "Service unavailable");
			problem.put("detail", "the order could not be recorded now; retry later");
		}
		else {
			status = 500;
			problem.put("type", "about:blank");
			problem.put("title", "Internal error");
			problem.put("detail", "the request could not be completed; see the control-plane log");
		}
		problem.put("status", status);
		respond(exchange, status, PROBLEM_JSON, problem);
		if (status == 503) {
			exchange.getMessage().setHeader("Retry-After", "5");
		}
	}

	private void respond(Exchange exchange, int status, String contentType, Object body) {
		Message message = exchange.getMessage();
		message.removeHeaders("*");
		message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
		message.setHeader(Exchange.CONTENT_TYPE, contentType);
		try {
			message.setBody(json.writeValueAsString(body));
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException("cannot write a response", e);
		}
	}

}
