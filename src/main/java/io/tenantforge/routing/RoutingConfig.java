package io.tenantforge.routing;

import io.tenantforge.tenant.PublicUrls;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What other features see of the router's settings: where a tenant is reached. */
@Configuration(proxyBeanMethods = false)
class RoutingConfig {

	@Bean
	PublicUrls publicUrls(RoutingProperties settings) {
		return new PublicUrls(settings.enabled(), settings.baseDomain(), settings.publicPort());
	}

}
