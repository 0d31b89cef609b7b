package io.tenantforge.security;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Refuses to start a control plane whose secret encryption key is not the one its
 * database's tenant secrets are sealed with. The database keeps a key check value (table
 * {@code secret_key_check}): a constant sealed with the key on the first start, which
 * only the same key opens. Checked when this bean is created, before the routes start:
 * {@link TenantSecrets} cannot exist without it, so no secret is read or sealed under a
 * wrong key. Messages name the problem, never the key.
 */
@Component
public class SecretKeyCheck {

	static final String CONTEXT = "tenantforge/secret-key-check";

	static final String PLAINTEXT = "tenantforge secret key check, version 1";

	/** Tenant secrets tried on a first start of a database that has some already. */
	private static final int SAMPLE = 20;

	private static final String WHICH_KEY = "the secret encryption key (TENANTFORGE_SECRET_KEY, "
			+ "tenantforge.security.secret-key or its key file)";

	private static final Logger log = LoggerFactory.getLogger(SecretKeyCheck.class);

	public SecretKeyCheck(JdbcTemplate jdbc, SecretCipher cipher) {
		Optional<byte[]> stored = read(jdbc);
		if (stored.isEmpty()) {
			requireExistingSecretsOpen(jdbc, cipher);
			jdbc.update("INSERT INTO secret_key_check (id, check_value) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
					(Object) cipher.encrypt(PLAINTEXT, CONTEXT));
			// another control plane may have written its own at the same moment: that one
			// is checked below
			stored = read(jdbc);
			log.info("Recorded the key check value of the secret encryption key (table secret_key_check)");
		}
		if (!opens(cipher, stored.orElseThrow())) {
			throw new IllegalStateException("Refusing to start: " + WHICH_KEY + " does not match this control-plane "
					+ "database. Its key check value (table secret_key_check, sealed on its first start) does not "
					+ "decrypt with this key, so the tenant secrets it holds would not either, and new ones would be "
					+ "sealed under a second key. Start with the key this database was set up with.");
		}
	}

	/**
	 * A database from before key check values: the key must open at least one of the
	 * tenant secrets it has, or the check value would vouch for the wrong key.
	 */
	private static void requireExistingSecretsOpen(JdbcTemplate jdbc, SecretCipher cipher) {
		List<Sealed> sample = jdbc.query("SELECT tenant_id, name, ciphertext FROM tenant_secrets LIMIT ?",
				(rs, i) -> new Sealed(rs.getString(1) + "/" + rs.getString(2), rs.getBytes(3)), SAMPLE);
		if (sample.isEmpty() || sample.stream()
			.anyMatch(secret -> decrypts(cipher, secret.ciphertext(), secret.context()).isPresent())) {
			return;
		}
		throw new IllegalStateException("Refusing to start: " + WHICH_KEY + " does not match this control-plane "
				+ "database: none of the " + sample.size() + " tenant secrets tried decrypts with it (the database "
				+ "has no key check value yet, table secret_key_check). Start with the key its tenant secrets are "
				+ "sealed with.");
	}

	private static Optional<byte[]> read(JdbcTemplate jdbc) {
		return jdbc.queryForList("SELECT check_value FROM secret_key_check WHERE id = 1", byte[].class)
			.stream()
			.findFirst();
	}

	private static boolean opens(SecretCipher cipher, byte[] checkValue) {
		return decrypts(cipher, checkValue, CONTEXT).map(PLAINTEXT::equals).orElse(false);
	}

	private static Optional<String> decrypts(SecretCipher cipher, byte[] ciphertext, String context) {
		try {
			return Optional.of(cipher.decrypt(ciphertext, context));
		}
		catch (UnreadableSecretException wrongKey) {
			return Optional.empty();
		}
	}

	private record Sealed(String context, byte[] ciphertext) {
	}

}
