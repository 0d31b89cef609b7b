package io.tenantforge.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.tenantforge.support.InvalidOrderException.FieldError;

/**
 * The check of a tenant's custom domains, on the raw input: nothing is trimmed,
 * lower-cased or converted (a domain that needs it is refused, so what is stored is
 * exactly what was asked for). A hostname is lower-case ASCII letter-digit-hyphen labels
 * (an internationalised name only in its punycode form, {@code xn--…}), at most 253
 * bytes, each label 1–63, at least two labels, no wildcard, no trailing dot, no IP
 * literal, and neither the base domain nor any name under it (those are tenants' own
 * subdomains).
 */
final class Hostnames {

	/** Custom domains one tenant may have. */
	static final int MAX_DOMAINS = 20;

	private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private Hostnames() {
	}

	/**
	 * Every problem with the list, each naming its field ({@code domains[i]}); empty when
	 * all are valid.
	 */
	static List<FieldError> problems(List<?> domains, String baseDomain) {
		List<FieldError> errors = new ArrayList<>();
		if (domains.size() > MAX_DOMAINS) {
			errors.add(new FieldError("domains", "at most " + MAX_DOMAINS + " domains"));
			return errors;
		}
		Set<Object> seen = new HashSet<>();
		for (int i = 0; i < domains.size(); i++) {
			String field = "domains[" + i + "]";
			Object value = domains.get(i);
			if (!(value instanceof String domain)) {
				errors.add(new FieldError(field, "must be a string"));
				continue;
			}
			Optional<String> problem = problemWith(domain, baseDomain);
			if (problem.isPresent()) {
				errors.add(new FieldError(field, problem.get()));
			}
			else if (!seen.add(domain)) {
				errors.add(new FieldError(field, "is named twice"));
			}
		}
		return errors;
	}

	/** What is wrong with one hostname, if anything. */
	static Optional<String> problemWith(String domain, String baseDomain) {
		if (domain.isEmpty()) {
			return Optional.of("must not be empty");
		}
		for (int i = 0; i < domain.length(); i++) {
			char c = domain.charAt(i);
			if (c > 0x7e || c < 0x21) {
				return Optional.of("must be ASCII without spaces or control characters (an internationalised "
						+ "name in its punycode form, xn--…)");
			}
		}
		if (domain.getBytes(StandardCharsets.US_ASCII).length > 253) {
			return Optional.of("must be at most 253 bytes");
		}
		if (!domain.equals(domain.toLowerCase(java.util.Locale.ROOT))) {
			return Optional.of("must be lower case");
		}
		if (domain.contains("*")) {
			return Optional.of("must not be a wildcard");
		}
		if (domain.endsWith(".")) {
			return Optional.of("must not end with a dot");
		}
		if (domain.startsWith(".") || domain.contains("..")) {
			return Optional.of("must not have an empty label");
		}
		String[] labels = domain.split("\\.", -1);
		if (labels.length < 2) {
			return Optional.of("must have at least two labels");
		}
		for (String label : labels) {
			if (label.length() > 63) {
				return Optional.of("label of " + label.length() + " bytes; at most 63");
			}
			if (!LABEL.matcher(label).matches()) {
				return Optional.of("labels are letters a-z, digits and inner hyphens");
			}
			if (label.length() >= 4 && label.charAt(2) == '-' && label.charAt(3) == '-' && !label.startsWith("xn--")) {
				return Optional.of("a label with hyphens in the third and fourth place must be punycode (xn--)");
			}
		}
		if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
			return Optional.of("must not be an IP address");
		}
		if (domain.equals(baseDomain) || domain.endsWith("." + baseDomain)) {
			return Optional
				.of("must not be the base domain " + baseDomain + " or under it (tenants' own hostnames are there)");
		}
		return Optional.empty();
	}

}
