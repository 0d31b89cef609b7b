package io.tenantforge.runtime;

import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.tenant.TierCatalog;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code swarm} driver ({@code tenantforge.runtime.driver=swarm}): its gateway to the
 * manager and the driver.
 */
@Configuration
@ConditionalOnProperty(name = "tenantforge.runtime.driver", havingValue = "swarm")
class SwarmConfig {

	@Bean(destroyMethod = "close")
	SwarmEngine swarmEngine(RuntimeProperties properties) {
		return new SwarmEngine(properties.getDockerHost());
	}

	@Bean
	SwarmDriver swarmDriver(SwarmEngine engine, RuntimeProperties runtime, TenantServiceUrls urls, PortAllocator ports,
			TenantSecrets secrets, ResourceLedger ledger, TierCatalog tiers) {
		return new SwarmDriver(engine, runtime, urls, ports, secrets, ledger, tiers);
	}

}
