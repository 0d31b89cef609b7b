package io.tenantforge.tenant;

/**
 * How a tenant's container reaches the shared services it has a part of: the
 * {@code DATABASE_URL} and {@code REDIS_URL} of the tenant environment (docs/design.md,
 * Names), without a password. The database and cache settings know the addresses; the
 * runtime only passes them on, so it depends on this and not on them.
 */
public interface TenantServiceUrls {

	String databaseUrl(TenantNames names);

	String redisUrl(TenantNames names);

}
