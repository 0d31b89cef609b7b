package io.tenantforge.routing;

import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What one line of the router's access log says about a request: the hostname it asked
 * for and the status it got. Caddy 2.6 writes one JSON object per line,
 * {@code {"logger":"http.log.access.tenantforge","request":{"host":"acme.tenants.test:8443",…},"status":200,…}};
 * the host is the request's {@code Host}, with the port when the client sent one.
 *
 * @param host the hostname, lower-case, without the port
 * @param status the HTTP status, 200 when Caddy logged 0 (no handler wrote an answer: the
 * client got an empty 200)
 */
record AccessLogEntry(String host, int status) {

	/** The entry of one access-log line; empty when the line is not one. */
	static Optional<AccessLogEntry> parse(String line, ObjectMapper json) {
		if (line == null || line.isBlank()) {
			return Optional.empty();
		}
		JsonNode entry;
		try {
			entry = json.readTree(line);
		}
		catch (JsonProcessingException notJson) {
			return Optional.empty();
		}
		JsonNode host = entry.path("request").path("host");
		JsonNode status = entry.path("status");
		if (!host.isTextual() || !status.canConvertToInt()) {
			return Optional.empty();
		}
		int code = status.asInt();
		return Optional.of(new AccessLogEntry(withoutPort(host.asText()), code == 0 ? 200 : code));
	}

	/**
	 * The status class as the metrics label it: {@code 1xx} … {@code 5xx}, {@code other}
	 * for anything outside 100–599.
	 */
	String code() {
		return status >= 100 && status <= 599 ? (status / 100) + "xx" : "other";
	}

	boolean serverError() {
		return status >= 500 && status <= 599;
	}

	/**
	 * {@code acme.tenants.test:8443} → {@code acme.tenants.test}; an IPv6 literal keeps
	 * its brackets ({@code [::1]:8443} → {@code [::1]}); a trailing dot goes.
	 */
	static String withoutPort(String host) {
		String name = host.strip().toLowerCase(Locale.ROOT);
		if (name.startsWith("[")) {
			int end = name.indexOf(']');
			return end < 0 ? name : name.substring(0, end + 1);
		}
		int colon = name.lastIndexOf(':');
		if (colon >= 0 && name.indexOf(':') == colon) {
			name = name.substring(0, colon);
		}
		return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
	}

}
