package io.tenantforge.support;

import io.lettuce.core.RedisURI;

import org.springframework.boot.autoconfigure.data.redis.RedisProperties;

/**
 * The control plane's own Redis address (spring.data.redis.*) as a Lettuce URI, for the
 * clients beside Spring's.
 */
public final class RedisUris {

	private RedisUris() {
	}

	public static RedisURI of(RedisProperties properties) {
		RedisURI.Builder uri = RedisURI.builder()
			.withHost(properties.getHost())
			.withPort(properties.getPort())
			.withDatabase(properties.getDatabase());
		if (properties.getPassword() != null && !properties.getPassword().isEmpty()) {
			uri = properties.getUsername() == null ? uri.withPassword(properties.getPassword().toCharArray())
					: uri.withAuthentication(properties.getUsername(), properties.getPassword());
		}
		if (properties.getTimeout() != null) {
			uri = uri.withTimeout(properties.getTimeout());
		}
		return uri.build();
	}

}
