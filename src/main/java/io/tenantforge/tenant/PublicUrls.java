package io.tenantforge.tenant;

import java.util.Optional;

/**
 * Where customers reach a tenant: {@code https://<subdomain>.<baseDomain>} (with the port
 * unless it is 443), when routing is on. The routing feature provides the bean from its
 * settings.
 */
public record PublicUrls(boolean enabled, String baseDomain, int port) {

	/** The tenant's own hostname, whether or not routing is on. */
	public String hostname(String tenantId) {
		return tenantId + "." + baseDomain;
	}

	public Optional<String> url(String tenantId) {
		if (!enabled) {
			return Optional.empty();
		}
		return Optional.of("https://" + hostname(tenantId) + (port == 443 ? "" : ":" + port));
	}

}
