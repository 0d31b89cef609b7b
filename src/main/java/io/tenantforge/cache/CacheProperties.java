package io.tenantforge.cache;

import io.tenantforge.tenant.TenantNames;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How tenants reach Redis ({@code tenantforge.cache.*}); the control plane's own
 * connection is {@code spring.data.redis.*}.
 */
@ConfigurationProperties("tenantforge.cache")
public record CacheProperties(String tenantHost, int tenantPort) {

	public CacheProperties {
		tenantHost = tenantHost == null ? "127.0.0.1" : tenantHost;
		tenantPort = tenantPort == 0 ? 6379 : tenantPort;
	}

	/** The tenant's {@code REDIS_URL}: its ACL user at the tenant address. */
	public String tenantUrl(TenantNames names) {
		return "redis://" + names.redisUser() + "@" + tenantHost + ":" + tenantPort;
	}

}
