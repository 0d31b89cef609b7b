package io.tenantforge.security;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The generated credentials of each tenant: created once (256 bits from a CSPRNG), stored encrypted, the same
 * value on every later reconcile so that steps stay idempotent.
 */
@Component
public class TenantSecrets {

	public static final String DATABASE_PASSWORD = "database-password";

	public static final String REDIS_PASSWORD = "redis-password";

	/**
	 * What the tenant's own container proves its identity with in its {@code /health} answer: with host networking
	 * any process may listen on a tenant's port, so a 200 alone does not say who answered.
	 */
	public static final String HEALTH_TOKEN = "health-token";

	private final JdbcTemplate jdbc;

	private final SecretCipher cipher;

	private final SecureRandom random = new SecureRandom();

	public TenantSecrets(JdbcTemplate jdbc, SecretCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	/** The tenant's secret of that name, generated on first use. */
	public String getOrCreate(String tenantId, String name) {
		String context = tenantId + "/" + name;
		byte[] fresh = cipher.encrypt(generate(), context);
		jdbc.update("INSERT INTO tenant_secrets (tenant_id, name, ciphertext) VALUES (?, ?, ?) "
				+ "ON CONFLICT (tenant_id, name) DO NOTHING", tenantId, name, fresh);
		byte[] stored = jdbc.queryForObject("SELECT ciphertext FROM tenant_secrets WHERE tenant_id = ? AND name = ?",
				byte[].class, tenantId, name);
		return cipher.decrypt(stored, context);
	}

	/** Every tenant's secret of that name, by tenant id, in one query (the health sweep compares ACL passwords). */
	public java.util.Map<String, String> all(String name) {
		java.util.Map<String, String> secrets = new java.util.HashMap<>();
		jdbc.query("SELECT tenant_id, ciphertext FROM tenant_secrets WHERE name = ?", rs -> {
			String tenantId = rs.getString(1);
			secrets.put(tenantId, cipher.decrypt(rs.getBytes(2), tenantId + "/" + name));
		}, name);
		return secrets;
	}

	public void forget(String tenantId) {
		jdbc.update("DELETE FROM tenant_secrets WHERE tenant_id = ?", tenantId);
	}

	private String generate() {
		byte[] raw = new byte[32];
		random.nextBytes(raw);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
	}

}
