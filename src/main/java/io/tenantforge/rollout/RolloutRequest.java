package io.tenantforge.rollout;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.InvalidOrderException.FieldError;

/**
 * A rollout as asked for: the image and tenant schema version to move the fleet to, the
 * waves, how many tenants may be upgrading at once and after how many failed tenants it
 * halts. {@link #parse} checks every field and names each one at fault.
 */
record RolloutRequest(String image, String schemaVersion, List<String> waves, int maxUnavailable,
		int failureThreshold) {

	/**
	 * A Docker image reference: repository, optional tag or digest; no spaces, no shell
	 * characters.
	 */
	private static final Pattern IMAGE = Pattern
		.compile("[a-z0-9][a-z0-9._/-]{0,200}(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[a-f0-9]{64})?");

	private static final Pattern WAVE = Pattern.compile("([1-9][0-9]{0,5})|([1-9][0-9]?%|100%)");

	static RolloutRequest parse(JsonNode body, List<String> schemaVersions) {
		List<FieldError> errors = new ArrayList<>();
		if (body == null || !body.isObject()) {
			throw new InvalidOrderException("body", "must be a JSON object");
		}
		body.fieldNames().forEachRemaining(name -> {
			if (!List.of("image", "schemaVersion", "waves", "maxUnavailable", "failureThreshold").contains(name)) {
				errors.add(new FieldError("body", "unknown field " + name.substring(0, Math.min(40, name.length()))));
			}
		});
		String image = text(body, "image", errors);
		if (image != null && !IMAGE.matcher(image).matches()) {
			errors.add(new FieldError("image", "must be an image reference (repository[:tag][@sha256:digest])"));
		}
		String schema = text(body, "schemaVersion", errors);
		if (schema != null && !schemaVersions.contains(schema)) {
			errors
				.add(new FieldError("schemaVersion", "must be one of the tenant migration versions " + schemaVersions));
		}
		List<String> waves = new ArrayList<>();
		JsonNode wavesNode = body.get("waves");
		if (wavesNode == null || !wavesNode.isArray() || wavesNode.isEmpty() || wavesNode.size() > 20) {
			errors.add(new FieldError("waves", "must be an array of 1 to 20 waves"));
		}
		else {
			for (int i = 0; i < wavesNode.size(); i++) {
				JsonNode wave = wavesNode.get(i);
				if (!wave.isTextual() || !WAVE.matcher(wave.asText()).matches()) {
					errors.add(new FieldError("waves[" + i + "]",
							"must be a count (\"1\") or a share of the fleet (\"10%\", 1-100%)"));
				}
				else {
					waves.add(wave.asText());
				}
			}
			if (waves.size() == wavesNode.size() && !waves.get(waves.size() - 1).equals("100%")) {
				errors.add(new FieldError("waves[" + (waves.size() - 1) + "]", "the last wave must be \"100%\""));
			}
		}
		int maxUnavailable = positive(body, "maxUnavailable", 1, errors);
		int failureThreshold = positive(body, "failureThreshold", 1, errors);
		if (!errors.isEmpty()) {
			throw new InvalidOrderException(errors);
		}
		return new RolloutRequest(image, schema, List.copyOf(waves), maxUnavailable, failureThreshold);
	}

	private static String text(JsonNode body, String field, List<FieldError> errors) {
		JsonNode value = body.get(field);
		if (value == null || !value.isTextual() || value.asText().isEmpty()) {
			errors.add(new FieldError(field, "is required (a non-empty string)"));
			return null;
		}
		return value.asText();
	}

	private static int positive(JsonNode body, String field, int fallback, List<FieldError> errors) {
		JsonNode value = body.get(field);
		if (value == null) {
			return fallback;
		}
		if (!value.isInt() || value.asInt() < 1 || value.asInt() > 1000) {
			errors.add(new FieldError(field, "must be an integer from 1 to 1000"));
			return fallback;
		}
		return value.asInt();
	}

}
