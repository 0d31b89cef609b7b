package io.tenantforge.provisioning;

import io.tenantforge.cache.CacheProperties;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantServiceUrls;

import org.springframework.stereotype.Component;

/**
 * The tenant's service URLs from the database and cache settings: what the runtime puts
 * into its container.
 */
@Component
public class ServiceUrls implements TenantServiceUrls {

	private final TenantDatabaseProperties database;

	private final CacheProperties cache;

	public ServiceUrls(TenantDatabaseProperties database, CacheProperties cache) {
		this.database = database;
		this.cache = cache;
	}

	@Override
	public String databaseUrl(TenantNames names) {
		return database.tenantUrl(names);
	}

	@Override
	public String redisUrl(TenantNames names) {
		return cache.tenantUrl(names);
	}

}
