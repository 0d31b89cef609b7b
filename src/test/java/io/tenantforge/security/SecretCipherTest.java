package io.tenantforge.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;
import io.tenantforge.support.UnitTest;

@UnitTest
class SecretCipherTest {

	private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

	@TempDir
	Path dir;

	@Test
	void sealsAndOpensASecretForItsContextOnly() {
		SecretCipher cipher = new SecretCipher(properties(KEY), new MockEnvironment());

		byte[] sealed = cipher.encrypt("hunter2-hunter2", "acme/database-password");

		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("hunter2");
		assertThat(cipher.decrypt(sealed, "acme/database-password")).isEqualTo("hunter2-hunter2");
		assertThatThrownBy(() -> cipher.decrypt(sealed, "globex/database-password"))
			.isInstanceOf(IllegalStateException.class);
		String otherKey = Base64.getEncoder().encodeToString("another-key-of-thirty-two-bytes!".getBytes());
		assertThatThrownBy(() -> new SecretCipher(properties(otherKey), new MockEnvironment()).decrypt(sealed,
				"acme/database-password"))
			.isInstanceOf(IllegalStateException.class);
	}

	@Test
	void refusesToStartWithoutAKeyOutsideTheDevProfile() {
		assertThatThrownBy(() -> new SecretCipher(properties(""), new MockEnvironment()))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("TENANTFORGE_SECRET_KEY");
	}

	@Test
	void devProfileGeneratesAKeyFileOnlyItsOwnerCanRead() throws Exception {
		MockEnvironment dev = new MockEnvironment();
		dev.setActiveProfiles("dev");

		new SecretCipher(properties(""), dev);

		Path key = dir.resolve("secret.key");
		assertThat(Base64.getDecoder().decode(Files.readString(key).trim())).hasSize(32);
		assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
			.isEqualTo("rw-------");
	}

	private SecurityProperties properties(String key) {
		return new SecurityProperties("pw", List.of(), key, dir.resolve("missing.key"), dir, null, 0, 0);
	}

}
