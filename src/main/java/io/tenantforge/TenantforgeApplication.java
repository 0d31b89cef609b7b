package io.tenantforge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The tenantforge control plane: intake routes, the reconciler and the health sweep in
 * one Spring Boot app.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TenantforgeApplication {

	public static void main(String[] args) {
		SpringApplication.run(TenantforgeApplication.class, args);
	}

}
