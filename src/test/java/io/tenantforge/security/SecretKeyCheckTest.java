package io.tenantforge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.tenantforge.support.KeyCheckFixtures.KEY;
import static io.tenantforge.support.KeyCheckFixtures.OTHER_KEY;
import static io.tenantforge.support.KeyCheckFixtures.cipher;
import static io.tenantforge.support.KeyCheckFixtures.freshControlPlaneDatabase;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The key check value against the real PostgreSQL, on a control-plane database of its own
 * migrated by the application's Flyway scripts: written on the first start, passed by the
 * same key, and a start with another key refused with the reason, never the key.
 */
class SecretKeyCheckTest {

	private static final String URL = "jdbc:postgresql://127.0.0.1:5432/tenantforge_test_keycheck";

	private JdbcTemplate jdbc;

	@BeforeEach
	void migratedScratchDatabase() {
		jdbc = freshControlPlaneDatabase(URL);
	}

	@Test
	void theFirstStartRecordsACheckValueThatTheSameKeyPassesOnEveryLaterStart() {
		new SecretKeyCheck(jdbc, cipher(KEY));

		byte[] stored = jdbc.queryForObject("SELECT check_value FROM secret_key_check", byte[].class);
		assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(SecretKeyCheck.PLAINTEXT)
			.doesNotContain(KEY);
		assertThatCode(() -> new SecretKeyCheck(jdbc, cipher(KEY))).doesNotThrowAnyException();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM secret_key_check", Integer.class)).isOne();
		assertThat(jdbc.queryForObject("SELECT check_value FROM secret_key_check", byte[].class)).isEqualTo(stored);
	}

	@Test
	void aStartWithAKeyThatIsNotTheDatabasesIsRefusedNamingTheProblemNeverTheKey() {
		new SecretKeyCheck(jdbc, cipher(KEY));

		assertThatThrownBy(() -> new SecretKeyCheck(jdbc, cipher(OTHER_KEY))).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("Refusing to start")
			.hasMessageContaining("does not match this control-plane database")
			.hasMessageContaining("secret_key_check")
			.message()
			.doesNotContain(OTHER_KEY)
			.doesNotContain(KEY);
	}

	@Test
	void aFirstStartOnADatabaseWhoseSecretsTheKeyCannotOpenRecordsNothingAndIsRefused() {
		// a database from before key check values, its tenant secrets sealed with KEY
		jdbc.update("INSERT INTO tenant_secrets (tenant_id, name, ciphertext) VALUES ('acme', 'redis-password', ?)",
				(Object) cipher(KEY).encrypt("s3cret-s3cret", "acme/redis-password"));

		assertThatThrownBy(() -> new SecretKeyCheck(jdbc, cipher(OTHER_KEY))).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("none of the 1 tenant secrets tried decrypts with it")
			.message()
			.doesNotContain(OTHER_KEY)
			.doesNotContain("s3cret");
		assertThat(jdbc.queryForObject("SELECT count(*) FROM secret_key_check", Integer.class)).isZero();

		assertThatCode(() -> new SecretKeyCheck(jdbc, cipher(KEY))).as("the database's own key")
			.doesNotThrowAnyException();
		assertThat(jdbc.queryForObject("SELECT count(*) FROM secret_key_check", Integer.class)).isOne();
	}

}
