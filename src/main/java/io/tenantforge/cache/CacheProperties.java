package io.tenantforge.cache;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How tenants reach Redis ({@code tenantforge.cache.*}); the control plane's own connection is
 * {@code spring.data.redis.*}.
 */
@ConfigurationProperties("tenantforge.cache")
public record CacheProperties(String tenantHost, int tenantPort) {

	public CacheProperties {
		tenantHost = tenantHost == null ? "127.0.0.1" : tenantHost;
		tenantPort = tenantPort == 0 ? 6379 : tenantPort;
	}

}
