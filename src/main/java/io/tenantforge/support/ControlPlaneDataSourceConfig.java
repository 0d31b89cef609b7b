package io.tenantforge.support;

import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The control plane's own database ({@code spring.datasource.*}), created on first start
 * when missing; its statements are counted as {@link Gateway#CONTROL_PLANE_DATABASE}
 * calls.
 */
@Configuration
class ControlPlaneDataSourceConfig {

	@Bean
	@Primary
	@ConfigurationProperties("spring.datasource.hikari")
	CountedDataSource dataSource(DataSourceProperties properties) {
		DatabaseBootstrap.ensureDatabaseExists(properties.determineUrl(), properties.determineUsername(),
				properties.determinePassword());
		return properties.initializeDataSourceBuilder()
			.type(CountedDataSource.class)
			.build()
			.countAs(Gateway.CONTROL_PLANE_DATABASE);
	}

}
