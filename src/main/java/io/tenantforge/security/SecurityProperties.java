package io.tenantforge.security;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Credentials of the control plane itself.
 *
 * @param adminPassword password of the {@code admin} API user ({@code TENANTFORGE_ADMIN_PASSWORD}); required
 * outside the dev profile, generated into {@code generatedDir} in it
 * @param secretKey base64 AES-256 key that encrypts tenant secrets at rest ({@code TENANTFORGE_SECRET_KEY})
 * @param secretKeyFile file holding that key, used when {@code secretKey} is empty
 * @param generatedDir where the dev profile writes what it generates
 */
@ConfigurationProperties("tenantforge.security")
public record SecurityProperties(String adminPassword, String secretKey, Path secretKeyFile, Path generatedDir) {

	public SecurityProperties {
		generatedDir = generatedDir == null ? Path.of("var") : generatedDir;
	}

}
