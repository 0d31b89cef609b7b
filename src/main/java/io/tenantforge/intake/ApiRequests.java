package io.tenantforge.intake;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

import io.tenantforge.support.InvalidTenantIdException;
import io.tenantforge.support.UnsupportedMediaTypeException;
import io.tenantforge.tenant.TenantNames;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.web.util.UriUtils;

/**
 * Checks what the REST routes take from a request before any bean sees it (the contract,
 * api/openapi.yaml, says the same): the tenant id of the path and the media type of a
 * body.
 */
@Component
public class ApiRequests {

	/** The path parameter that names a tenant. */
	static final String TENANT_ID = "id";

	/** How much of a rejected id an answer quotes back. */
	static final int EXCERPT_LENGTH = 32;

	private static final MimeType JSON = MimeType.valueOf("application/json");

	/**
	 * Replaces the path's tenant id (as it came, percent-encoded) by the id it names,
	 * decoded once; refuses (400) one that cannot be a slug, quoting no more than a
	 * short, escaped excerpt of it.
	 */
	public void tenantId(Exchange exchange) {
		Message message = exchange.getMessage();
		String raw = message.getHeader(TENANT_ID, "", String.class);
		String id;
		try {
			id = UriUtils.decode(raw, StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException e) {
			throw new InvalidTenantIdException("'" + excerpt(raw) + "' is not percent-encoded UTF-8");
		}
		Optional<String> problem = TenantNames.problemWith(id);
		if (problem.isPresent()) {
			String reason = problem.get();
			throw new InvalidTenantIdException(reason.startsWith("'") ? reason : "'" + excerpt(id) + "' " + reason);
		}
		message.setHeader(TENANT_ID, id);
	}

	/**
	 * Refuses (415) a body that is not {@code application/json} (UTF-8, the only charset
	 * an order may have).
	 */
	public void requireJson(@Header(Exchange.CONTENT_TYPE) String contentType) {
		if (contentType == null || contentType.isBlank()) {
			throw new UnsupportedMediaTypeException("the request has no Content-Type; send application/json");
		}
		MimeType type;
		try {
			type = MimeType.valueOf(contentType);
		}
		catch (InvalidMimeTypeException e) {
			throw new UnsupportedMediaTypeException("the Content-Type is not a media type; send application/json");
		}
		String charset = type.getParameter("charset");
		if (!JSON.equalsTypeAndSubtype(type)
				|| charset != null && !"utf-8".equals(charset.toLowerCase(Locale.ROOT).replace("\"", ""))) {
			throw new UnsupportedMediaTypeException(
					"the body is " + excerpt(contentType) + "; send application/json (UTF-8)");
		}
	}

	/**
	 * At most {@value #EXCERPT_LENGTH} characters of a value, printable ASCII as it is
	 * and everything else as a {@code \\uXXXX} escape, with the length of what was left
	 * off.
	 */
	static String excerpt(String value) {
		StringBuilder out = new StringBuilder();
		int shown = Math.min(value.length(), EXCERPT_LENGTH);
		for (int i = 0; i < shown; i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
				out.append(c);
			}
			else {
				out.append(String.format("\\u%04x", (int) c));
			}
		}
		if (value.length() > shown) {
			out.append("...(").append(value.length()).append(" characters)");
		}
		return out.toString();
	}

}
