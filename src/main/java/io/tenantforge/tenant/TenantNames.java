package io.tenantforge.tenant;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one canonical slug of a tenant and every name derived from it (DESIGN.md, "Names").
 * <p>
 * The slug is checked on the raw input: no trimming, no lower-casing, no Unicode folding.
 * A value of this type is always a valid slug, so every derived name is safe by
 * construction; DDL still quotes it.
 */
public record TenantNames(String slug) {

	private static final Pattern SLUG = Pattern.compile("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");

	static final int MIN_LENGTH = 3;

	static final int MAX_LENGTH = 30;

	/**
	 * Names that must never become a tenant: they collide with infrastructure, hosts or
	 * PostgreSQL itself.
	 */
	static final Set<String> RESERVED = Set.of("www", "api", "admin", "root", "postgres", "public", "default", "docker",
			"localhost", "template0", "template1", "information_schema", "pg-catalog", "pg-toast", "tenantforge",
			"system", "mail", "smtp", "ftp", "ns1", "ns2", "dns", "static", "assets", "cdn", "status", "health",
			"metrics", "console", "hawtio", "actuator", "support", "billing", "redis", "postgresql", "internal", "test",
			"staging", "production", "dev", "app", "dashboard", "auth", "login", "sso", "oauth", "security");

	/** Prefix of every role, schema and ACL user name tenantforge gives a tenant. */
	public static final String PREFIX = "tenant_";

	public TenantNames {
		Optional<String> problem = problemWith(slug);
		if (problem.isPresent()) {
			throw new IllegalArgumentException("invalid slug: " + problem.get());
		}
	}

	/** Why a raw subdomain cannot be a slug, or empty when it can. */
	public static Optional<String> problemWith(String raw) {
		if (raw == null || raw.isEmpty()) {
			return Optional.of("must not be empty");
		}
		int bytes = raw.getBytes(StandardCharsets.UTF_8).length;
		if (bytes < MIN_LENGTH || bytes > MAX_LENGTH) {
			return Optional.of("must be " + MIN_LENGTH + " to " + MAX_LENGTH + " bytes long, was " + bytes);
		}
		if (!SLUG.matcher(raw).matches()) {
			return Optional.of("must be lower-case ASCII letters, digits and single inner hyphens, "
					+ "starting with a letter (" + SLUG.pattern() + ")");
		}
		if (RESERVED.contains(raw) || raw.startsWith("pg-")) {
			return Optional.of("'" + raw + "' is a reserved name");
		}
		return Optional.empty();
	}

	/** PostgreSQL schema and login role: {@code tenant_<slug with - as _>}. */
	public String databaseRole() {
		return PREFIX + slug.replace('-', '_');
	}

	public String databaseSchema() {
		return databaseRole();
	}

	/** Redis ACL user, the same name as the database role. */
	public String redisUser() {
		return databaseRole();
	}

	/** Prefix of every key and channel of the tenant, {@code tenant:<slug>:}. */
	public String redisNamespace() {
		return "tenant:" + slug + ":";
	}

	/** The Redis key and channel pattern of the tenant's namespace. */
	public String redisPattern() {
		return redisNamespace() + "*";
	}

	/**
	 * The name of this tenant's resource of a kind; a kind whose name is not the tenant's
	 * alone (router routes, Swarm objects) is refused.
	 */
	public String nameOf(ResourceKind kind) {
		return switch (kind) {
			case DATABASE_ROLE -> databaseRole();
			case DATABASE_SCHEMA -> databaseSchema();
			case REDIS_USER -> redisUser();
			case CONTAINER -> containerName();
			case SECRET_DIR -> slug;
			case NETWORK -> networkName();
			default -> throw new IllegalArgumentException("unknown resource kind " + kind);
		};
	}

	public String containerName() {
		return "tenant-" + slug;
	}

	/** The tenant's own Docker network in the isolated network mode. */
	public String networkName() {
		return "tenant-" + slug + "-net";
	}

	@Override
	public String toString() {
		return slug;
	}

}
