package io.tenantforge.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tenantforge.security.SecretCipher;
import io.tenantforge.security.SecurityProperties;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class BackupSealsTest {

	private static final String KEY = "dGVuYW50Zm9yZ2UtdGVzdC1rZXktMzItYnl0ZXMtISE=";

	private final BackupSeals seals = new BackupSeals(new SecretCipher(
			new SecurityProperties("pw", List.of(), KEY, Path.of("missing.key"), Path.of("target"), null, 0, 0),
			new MockEnvironment()));

	private final String id = BackupIds.next(Instant.parse("2026-12-01T10:30:00Z"));

	@Test
	void partsOpenForTheirTenantInClearAndAreSealedInTheStore() {
		List<BackupSeals.SealedPart> sealed = seals.seal("acme", id, parts("Ada Lovelace"));

		assertThat(sealed).allSatisfy(
				p -> assertThat(new String(p.bytes(), StandardCharsets.ISO_8859_1)).doesNotContain("Ada Lovelace"));
		Map<String, byte[]> opened = seals.open(manifest("acme", sealed), "acme", files(sealed));
		assertThat(new String(opened.get(BackupManifest.SCHEMA), StandardCharsets.UTF_8)).isEqualTo("Ada Lovelace");
	}

	@Test
	void aFlippedByteIsRefusedByItsChecksum() {
		List<BackupSeals.SealedPart> sealed = seals.seal("acme", id, parts("data"));
		Map<String, byte[]> files = files(sealed);
		files.get("schema.sealed")[20] ^= 1;

		assertThatThrownBy(() -> seals.open(manifest("acme", sealed), "acme", files))
			.isInstanceOf(BackupRefusedException.class)
			.hasMessageContaining("part schema does not match the checksum in its manifest");
	}

	@Test
	void aFlippedByteWithAForgedChecksumIsRefusedByTheCipher() {
		List<BackupSeals.SealedPart> sealed = seals.seal("acme", id, parts("data"));
		Map<String, byte[]> files = files(sealed);
		files.get("schema.sealed")[20] ^= 1;
		List<BackupManifest.Part> forged = sealed.stream()
			.map(p -> p.file().equals("schema.sealed")
					? new BackupManifest.Part(p.entry().name(), p.file(), p.entry().plainBytes(),
							p.entry().sealedBytes(), io.tenantforge.support.Sha256.hex(files.get("schema.sealed")))
					: p.entry())
			.toList();

		assertThatThrownBy(() -> seals.open(manifest("acme", forged), "acme", files))
			.isInstanceOf(BackupRefusedException.class)
			.hasMessageContaining("does not open as tenant 'acme''s");
	}

	@Test
	void anotherTenantsBackupNeverOpensEvenWithItsManifestRewritten() {
		List<BackupSeals.SealedPart> sealed = seals.seal("globex", id, parts("globex data"));

		assertThatThrownBy(() -> seals.open(manifest("globex", sealed), "acme", files(sealed)))
			.isInstanceOf(BackupRefusedException.class)
			.hasMessageContaining("is a backup of tenant 'globex', not of 'acme'");
		// the manifest claims acme: the associated data (tenant id) of the seal still
		// says globex
		assertThatThrownBy(() -> seals.open(manifest("acme", sealed), "acme", files(sealed)))
			.isInstanceOf(BackupRefusedException.class)
			.hasMessageContaining("does not open as tenant 'acme''s");
	}

	private static Map<String, byte[]> parts(String schema) {
		Map<String, byte[]> parts = new LinkedHashMap<>();
		parts.put(BackupManifest.SCHEMA, schema.getBytes(StandardCharsets.UTF_8));
		parts.put(BackupManifest.NAMESPACE, new NamespaceSnapshot(List.of()).encode());
		parts.put(BackupManifest.RECORD, "{}".getBytes(StandardCharsets.UTF_8));
		return parts;
	}

	private static Map<String, byte[]> files(List<BackupSeals.SealedPart> sealed) {
		Map<String, byte[]> files = new LinkedHashMap<>();
		sealed.forEach(p -> files.put(p.file(), p.bytes().clone()));
		return files;
	}

	private BackupManifest manifest(String tenant, List<?> parts) {
		List<BackupManifest.Part> entries = parts.stream()
			.map(p -> p instanceof BackupSeals.SealedPart s ? s.entry() : (BackupManifest.Part) p)
			.toList();
		return new BackupManifest(BackupManifest.FORMAT, id, tenant, Instant.now(), "api", "1", Map.of(), 0, entries);
	}

}
