package io.tenantforge.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.flywaydb.core.Flyway;

import io.tenantforge.security.SecretCipher;
import io.tenantforge.security.SecurityProperties;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.mock.env.MockEnvironment;

/**
 * What the secret-key check tests share: two fixed 256-bit keys, a cipher of either, and
 * a scratch control-plane database migrated from empty by the application's own scripts.
 */
public final class KeyCheckFixtures {

	/** The key a database was set up with. */
	public static final String KEY = key("the-key-this-database-started-w!");

	/** Another valid key, not that database's. */
	public static final String OTHER_KEY = key("another-key-of-thirty-two-bytes!");

	private KeyCheckFixtures() {
	}

	/**
	 * A cipher of {@code key}, as the control plane builds it (no key file, not the dev
	 * profile).
	 */
	public static SecretCipher cipher(String key) {
		return new SecretCipher(new SecurityProperties("pw", List.of(), key, Path.of("target/no-such.key"),
				Path.of("target"), null, 0, 0), new MockEnvironment());
	}

	/**
	 * The database at {@code url}, created when missing, emptied and migrated by
	 * {@code db/migration}.
	 */
	public static JdbcTemplate freshControlPlaneDatabase(String url) {
		DatabaseBootstrap.ensureDatabaseExists(url, "postgres", "");
		DriverManagerDataSource database = new DriverManagerDataSource(url, "postgres", "");
		Flyway flyway = Flyway.configure()
			.dataSource(database)
			.locations("classpath:db/migration")
			.cleanDisabled(false)
			.load();
		flyway.clean();
		flyway.migrate();
		return new JdbcTemplate(database);
	}

	private static String key(String thirtyTwoBytes) {
		return Base64.getEncoder().encodeToString(thirtyTwoBytes.getBytes(StandardCharsets.US_ASCII));
	}

}
