package io.tenantforge.security;

import java.nio.file.Path;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Credentials and limits of the control plane itself ({@code tenantforge.security.*}).
 *
 * @param adminPassword password of the {@code admin} user
 * ({@code TENANTFORGE_ADMIN_PASSWORD}); required outside the dev profile, generated into
 * {@code generatedDir} in it
 * @param users further users, each with a role and a password hash (never a plain
 * password)
 * @param secretKey base64 AES-256 key that encrypts tenant secrets at rest
 * ({@code TENANTFORGE_SECRET_KEY})
 * @param secretKeyFile file holding that key, used when {@code secretKey} is empty
 * @param generatedDir where the dev profile writes what it generates
 * @param maxRequestSize larger request bodies are refused with 413 before they are read
 * @param orderBurst orders one user may create at once before the rate limit (429)
 * applies
 * @param ordersPerMinute the rate at which that allowance refills
 */
@ConfigurationProperties("tenantforge.security")
public record SecurityProperties(String adminPassword, List<User> users, String secretKey, Path secretKeyFile,
		Path generatedDir, DataSize maxRequestSize, int orderBurst, int ordersPerMinute) {

	public SecurityProperties {
		users = users == null ? List.of() : List.copyOf(users);
		generatedDir = generatedDir == null ? Path.of("var") : generatedDir;
		maxRequestSize = maxRequestSize == null ? DataSize.ofKilobytes(64) : maxRequestSize;
		orderBurst = orderBurst == 0 ? 60 : orderBurst;
		ordersPerMinute = ordersPerMinute == 0 ? 60 : ordersPerMinute;
	}

	/**
	 * A control-plane user.
	 *
	 * @param name login name
	 * @param passwordHash Spring Security encoded hash, e.g. {@code {bcrypt}$2a$10$...}
	 * @param role {@code viewer} (read), {@code operator} (order and lifecycle) or
	 * {@code admin} (everything)
	 * @param orderBurst overrides the global allowance for this user (0: the global one)
	 */
	public record User(String name, String passwordHash, String role, int orderBurst) {
	}

}
