package io.tenantforge.database;

import com.zaxxer.hikari.HikariDataSource;

import io.tenantforge.support.CountedDataSource;
import io.tenantforge.support.DatabaseBootstrap;
import io.tenantforge.support.Gateway;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A small admin pool on the tenants database, which is created on first start when
 * missing; its statements are counted as {@link Gateway#TENANTS_DATABASE} calls.
 */
@Configuration
class TenantDatabaseConfig {

	@Bean(destroyMethod = "close")
	HikariDataSource tenantsDataSource(TenantDatabaseProperties properties) {
		DatabaseBootstrap.ensureDatabaseExists(properties.url(), properties.username(), properties.password());
		HikariDataSource pool = new CountedDataSource(Gateway.TENANTS_DATABASE);
		pool.setPoolName("tenants-admin");
		pool.setJdbcUrl(properties.url());
		pool.setUsername(properties.username());
		pool.setPassword(properties.password());
		// reconcilers (one connection each, two while Flyway migrates a tenant) and the
		// health sweep's catalog query
		pool.setMaximumPoolSize(12);
		pool.setConnectionTimeout(5_000);
		pool.setInitializationFailTimeout(-1);
		return pool;
	}

}
