package io.tenantforge.support;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The control plane's own database ({@code spring.datasource.*}), created on first start
 * when missing.
 */
@Configuration
class ControlPlaneDataSourceConfig {

	@Bean
	@Primary
	@ConfigurationProperties("spring.datasource.hikari")
	HikariDataSource dataSource(DataSourceProperties properties) {
		DatabaseBootstrap.ensureDatabaseExists(properties.determineUrl(), properties.determineUsername(),
				properties.determinePassword());
		return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
	}

}
