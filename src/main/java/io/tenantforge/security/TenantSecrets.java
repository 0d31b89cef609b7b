package io.tenantforge.security;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.context.annotation.DependsOn;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The generated credentials of each tenant: created once (256 bits from a CSPRNG), stored
 * encrypted, the same value on every later reconcile so that steps stay idempotent. Only
 * used once {@link SecretKeyCheck} has found the key to be the database's; a row that
 * still does not decrypt is a fault of that tenant's data alone.
 */
@Component
@DependsOn("secretKeyCheck") // the key is verified against the database before any secret
								// is read or sealed
public class TenantSecrets {

	public static final String DATABASE_PASSWORD = "database-password";

	public static final String REDIS_PASSWORD = "redis-password";

	/**
	 * What the tenant's own container proves its identity with in its {@code /health}
	 * answer: with host networking any process may listen on a tenant's port, so a 200
	 * alone does not say who answered.
	 */
	public static final String HEALTH_TOKEN = "health-token";

	private final JdbcTemplate jdbc;

	private final SecretCipher cipher;

	private final SecureRandom random = new SecureRandom();

	public TenantSecrets(JdbcTemplate jdbc, SecretCipher cipher) {
		this.jdbc = jdbc;
		this.cipher = cipher;
	}

	/**
	 * The tenant's secret of that name, generated on first use.
	 * @throws UnreadableSecretException when the stored one does not decrypt (the
	 * tenant's step fails with the reason)
	 */
	public String getOrCreate(String tenantId, String name) {
		String context = tenantId + "/" + name;
		byte[] fresh = cipher.encrypt(generate(), context);
		jdbc.update("INSERT INTO tenant_secrets (tenant_id, name, ciphertext) VALUES (?, ?, ?) "
				+ "ON CONFLICT (tenant_id, name) DO NOTHING", tenantId, name, fresh);
		byte[] stored = jdbc.queryForObject("SELECT ciphertext FROM tenant_secrets WHERE tenant_id = ? AND name = ?",
				byte[].class, tenantId, name);
		try {
			return cipher.decrypt(stored, context);
		}
		catch (UnreadableSecretException e) {
			throw new UnreadableSecretException(unreadable(name) + "; an operator must restore or remove it", e);
		}
	}

	/**
	 * Replaces the tenant's secret of that name by a fresh one (credential rotation) and
	 * returns it; from now on {@link #getOrCreate} gives the new value.
	 */
	public String replace(String tenantId, String name) {
		String value = generate();
		jdbc.update(
				"INSERT INTO tenant_secrets (tenant_id, name, ciphertext) VALUES (?, ?, ?) "
						+ "ON CONFLICT (tenant_id, name) DO UPDATE SET ciphertext = EXCLUDED.ciphertext",
				tenantId, name, cipher.encrypt(value, tenantId + "/" + name));
		return value;
	}

	/**
	 * Every tenant's secrets in one query (the health sweep compares ACL passwords). A
	 * row that does not decrypt is reported for its tenant, never thrown: one tenant's
	 * bad data does not stop the sweep of the others.
	 */
	public Readout readAll() {
		Map<String, Map<String, String>> secrets = new HashMap<>();
		Map<String, List<String>> unreadable = new HashMap<>();
		jdbc.query("SELECT tenant_id, name, ciphertext FROM tenant_secrets", rs -> {
			String tenantId = rs.getString(1);
			String name = rs.getString(2);
			try {
				String value = cipher.decrypt(rs.getBytes(3), tenantId + "/" + name);
				secrets.computeIfAbsent(tenantId, id -> new HashMap<>()).put(name, value);
			}
			catch (UnreadableSecretException e) {
				unreadable.computeIfAbsent(tenantId, id -> new ArrayList<>()).add(name);
			}
		});
		unreadable.values().forEach(Collections::sort);
		return new Readout(secrets, unreadable);
	}

	/**
	 * Why a secret of that name cannot be used: for a tenant's condition, never with the
	 * key or ciphertext.
	 */
	public static String unreadable(String name) {
		return "secret " + name + " cannot be decrypted with this control plane's key (written under another key, "
				+ "or damaged)";
	}

	public void forget(String tenantId) {
		jdbc.update("DELETE FROM tenant_secrets WHERE tenant_id = ?", tenantId);
	}

	/**
	 * What one look at the secrets table found.
	 *
	 * @param secrets the secrets that decrypted, by tenant id and secret name
	 * @param unreadable the names of the secrets that did not, by tenant id
	 */
	public record Readout(Map<String, Map<String, String>> secrets, Map<String, List<String>> unreadable) {

		/** Every tenant's readable secret of that name, by tenant id. */
		public Map<String, String> named(String name) {
			Map<String, String> named = new HashMap<>();
			secrets.forEach((tenantId, values) -> {
				if (values.containsKey(name)) {
					named.put(tenantId, values.get(name));
				}
			});
			return named;
		}

	}

	private String generate() {
		byte[] raw = new byte[32];
		random.nextBytes(raw);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
	}

}
