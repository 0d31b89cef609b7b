package io.tenantforge.intake;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.InvalidOrderException.FieldError;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.stereotype.Component;

/**
 * Reads an order from the bytes of any channel (JSON, or YAML from the drop folder) and
 * checks every field, so an invalid order is rejected with all its problems named and
 * nothing downstream ever sees it.
 */
@Component
public class OrderParser {

	/** Orders are tiny; anything larger is not an order. */
	static final int MAX_BYTES = 16 * 1024;

	static final int MAX_NAME_LENGTH = 100;

	private static final Set<String> FIELDS = Set.of("name", "subdomain", "tier", "orderId", "from");

	/** A backup id as the backup store names them (io.tenantforge.backup.BackupIds). */
	private static final Pattern BACKUP_ID = Pattern.compile("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$");

	private static final Pattern ORDER_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$");

	private final ObjectMapper jsonMapper = JsonMapper.builder()
		.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final ObjectMapper yamlMapper = YAMLMapper
		.builder(YAMLFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(20).build())
			.build())
		.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final TierCatalog tiers;

	public OrderParser(TierCatalog tiers) {
		this.tiers = tiers;
	}

	public TenantOrder parseJson(byte[] body) {
		return parse(body, jsonMapper);
	}

	public TenantOrder parseYaml(byte[] body) {
		return parse(body, yamlMapper);
	}

	/** By file name: {@code .yaml}/{@code .yml} as YAML, anything else as JSON. */
	public TenantOrder parseFile(byte[] body, String fileName) {
		String lower = fileName == null ? "" : fileName.toLowerCase(java.util.Locale.ROOT);
		return lower.endsWith(".yaml") || lower.endsWith(".yml") ? parseYaml(body) : parseJson(body);
	}

	/** A tier change, {@code {"tier":"pro"}}: the only field a PATCH may carry. */
	public String parseTierChange(byte[] body) {
		JsonNode root = readObject(body, jsonMapper);
		List<FieldError> errors = new ArrayList<>();
		for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
			String field = names.next();
			if (!field.equals("tier")) {
				errors.add(new FieldError(field, "cannot be changed; a PATCH carries only tier"));
			}
		}
		String tier = text(root, "tier", true, errors);
		if (tier != null && tiers.find(tier).isEmpty()) {
			errors.add(new FieldError("tier", "unknown tier '" + printable(tier) + "'; known tiers: "
					+ String.join(", ", tiers.tiers().keySet())));
		}
		if (!errors.isEmpty()) {
			throw new InvalidOrderException(errors);
		}
		return tier;
	}

	private TenantOrder parse(byte[] body, ObjectMapper mapper) {
		JsonNode root = readObject(body, mapper);
		return fields(root);
	}

	private JsonNode readObject(byte[] body, ObjectMapper mapper) {
		if (body == null || body.length == 0) {
			throw new InvalidOrderException("body", "is empty: an order is an object with name, subdomain and tier");
		}
		if (body.length > MAX_BYTES) {
			throw new InvalidOrderException("body", "is " + body.length + " bytes; an order is at most " + MAX_BYTES);
		}
		JsonNode root;
		try {
			root = mapper.readTree(utf8(body));
		}
		catch (JsonProcessingException e) {
			// where, never what: the parser's own message quotes the offending input
			var where = e.getLocation();
			throw new InvalidOrderException("body", "is not valid " + (mapper == yamlMapper ? "YAML" : "JSON")
					+ (where == null ? "" : " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")"));
		}
		catch (IOException e) {
			throw new InvalidOrderException("body", "cannot be read: " + e.getClass().getSimpleName());
		}
		if (root == null || !root.isObject()) {
			throw new InvalidOrderException("body", "must be a JSON object");
		}
		return root;
	}

	private TenantOrder fields(JsonNode root) {
		List<FieldError> errors = new ArrayList<>();
		for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
			String field = names.next();
			if (!FIELDS.contains(field)) {
				errors.add(new FieldError(field, "is not a field of an order (name, subdomain, tier, orderId, from)"));
			}
		}
		String name = text(root, "name", true, errors);
		String subdomain = text(root, "subdomain", true, errors);
		String tier = text(root, "tier", true, errors);
		String orderId = text(root, "orderId", false, errors);
		if (name != null) {
			checkName(name, errors);
		}
		if (subdomain != null) {
			TenantNames.problemWith(subdomain).ifPresent(problem -> errors.add(new FieldError("subdomain", problem)));
		}
		if (tier != null && tiers.find(tier).isEmpty()) {
			errors.add(new FieldError("tier", "unknown tier '" + printable(tier) + "'; known tiers: "
					+ String.join(", ", tiers.tiers().keySet())));
		}
		if (orderId != null && !ORDER_ID.matcher(orderId).matches()) {
			errors.add(new FieldError("orderId", "must be 1-64 characters of letters, digits and . _ : -"));
		}
		TenantOrder.CloneSource from = cloneSource(root.get("from"), subdomain, errors);
		if (!errors.isEmpty()) {
			throw new InvalidOrderException(errors);
		}
		return new TenantOrder(name, subdomain, tier, orderId, from);
	}

	/**
	 * {@code "from":{"tenant":"acme","backup":"<id>"}}: a backup of another tenant to
	 * seed the new one from.
	 */
	private static TenantOrder.CloneSource cloneSource(JsonNode from, String subdomain, List<FieldError> errors) {
		if (from == null || from.isNull()) {
			return null;
		}
		if (!from.isObject()) {
			errors.add(new FieldError("from", "must be an object {\"tenant\",\"backup\"}"));
			return null;
		}
		for (Iterator<String> names = from.fieldNames(); names.hasNext();) {
			String field = names.next();
			if (!field.equals("tenant") && !field.equals("backup")) {
				errors.add(new FieldError("from." + field, "is not a field of from (tenant, backup)"));
			}
		}
		JsonNode tenant = from.get("tenant");
		JsonNode backup = from.get("backup");
		if (tenant == null || !tenant.isTextual()) {
			errors.add(new FieldError("from.tenant", "required: the id of the tenant the backup is of"));
		}
		else {
			TenantNames.problemWith(tenant.asText())
				.ifPresent(problem -> errors.add(new FieldError("from.tenant", problem)));
			if (tenant.asText().equals(subdomain)) {
				errors.add(new FieldError("from.tenant", "is the tenant ordered: a clone is of another tenant"));
			}
		}
		if (backup == null || !backup.isTextual() || !BACKUP_ID.matcher(backup.asText()).matches()) {
			errors.add(new FieldError("from.backup", "required: a backup id (like 20261201T103000Z-3fa9c2d1)"));
		}
		return tenant != null && backup != null ? new TenantOrder.CloneSource(tenant.asText(), backup.asText()) : null;
	}

	private static String utf8(byte[] body) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(body))
				.toString();
		}
		catch (CharacterCodingException e) {
			throw new InvalidOrderException("body", "is not UTF-8 text");
		}
	}

	private static String text(JsonNode root, String field, boolean required, List<FieldError> errors) {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			if (required) {
				errors.add(new FieldError(field, "is required"));
			}
			return null;
		}
		if (!node.isTextual()) {
			errors.add(new FieldError(field, "must be a string, was " + node.getNodeType().name().toLowerCase()));
			return null;
		}
		return node.textValue();
	}

	private static void checkName(String name, List<FieldError> errors) {
		if (name.isBlank()) {
			errors.add(new FieldError("name", "must not be blank"));
		}
		else if (name.codePointCount(0, name.length()) > MAX_NAME_LENGTH) {
			errors.add(new FieldError("name", "must be at most " + MAX_NAME_LENGTH + " characters"));
		}
		else if (!name.strip().equals(name)) {
			errors.add(new FieldError("name", "must not start or end with white space"));
		}
		else if (name.codePoints()
			.anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT)) {
			errors.add(new FieldError("name", "must not contain control or formatting characters"));
		}
	}

	/**
	 * A rejected value quoted back safely: printable ASCII only, at most 40 characters.
	 */
	private static String printable(String value) {
		String cut = value.length() > 40 ? value.substring(0, 40) + "..." : value;
		return cut.replaceAll("[^\\x20-\\x7e]", "?");
	}

}
