package io.tenantforge.backup;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tenantforge.security.SecretCipher;
import io.tenantforge.security.UnreadableSecretException;
import io.tenantforge.support.Sha256;

import org.springframework.stereotype.Component;

/**
 * Seals a backup's parts with the control plane's secret key (AES-256-GCM, the tenant id
 * first in the associated data) and opens them again, refusing with the reason a backup
 * of another tenant, a part whose bytes differ from the manifest's checksum, or one that
 * does not open for the tenant it claims to be of.
 */
@Component
public class BackupSeals {

	private final SecretCipher cipher;

	public BackupSeals(SecretCipher cipher) {
		this.cipher = cipher;
	}

	/** A part ready for the store: its file name, sealed bytes and manifest entry. */
	public record SealedPart(String file, byte[] bytes, BackupManifest.Part entry) {
	}

	/** Seals each part (name → clear bytes) for that tenant and backup. */
	public List<SealedPart> seal(String tenant, String backupId, Map<String, byte[]> parts) {
		List<SealedPart> sealed = new ArrayList<>();
		parts.forEach((name, plain) -> {
			byte[] bytes = cipher.seal(plain, BackupManifest.context(tenant, backupId, name));
			String file = name + ".sealed";
			sealed.add(new SealedPart(file, bytes,
					new BackupManifest.Part(name, file, plain.length, bytes.length, Sha256.hex(bytes))));
		});
		return sealed;
	}

	/**
	 * Opens every part of the manifest (file name → bytes as read from the store) as a
	 * backup of {@code tenant}.
	 * @throws BackupRefusedException with the reason, before anything is changed
	 */
	public Map<String, byte[]> open(BackupManifest manifest, String tenant, Map<String, byte[]> files) {
		if (manifest.format() != BackupManifest.FORMAT) {
			throw new BackupRefusedException("backup " + manifest.id() + " has layout version " + manifest.format()
					+ "; this control plane reads version " + BackupManifest.FORMAT);
		}
		if (!tenant.equals(manifest.tenant())) {
			throw new BackupRefusedException("backup " + manifest.id() + " is a backup of tenant '" + manifest.tenant()
					+ "', not of '" + tenant + "'");
		}
		Map<String, byte[]> opened = new LinkedHashMap<>();
		for (BackupManifest.Part part : manifest.parts()) {
			byte[] bytes = files.get(part.file());
			if (bytes == null) {
				throw new BackupRefusedException("backup " + manifest.id() + " is incomplete: part " + part.name()
						+ " (" + part.file() + ") is missing");
			}
			String sha256 = Sha256.hex(bytes);
			if (!sha256.equals(part.sha256()) || bytes.length != part.sealedBytes()) {
				throw new BackupRefusedException("backup " + manifest.id() + ": part " + part.name()
						+ " does not match the checksum in its manifest (SHA-256 " + sha256 + ", manifest says "
						+ part.sha256() + "): it was changed or damaged");
			}
			try {
				opened.put(part.name(), cipher.open(bytes, BackupManifest.context(tenant, manifest.id(), part.name())));
			}
			catch (UnreadableSecretException e) {
				throw new BackupRefusedException("backup " + manifest.id() + ": part " + part.name()
						+ " does not open as tenant '" + tenant + "''s with this control plane's key (sealed for "
						+ "another tenant or backup, under another key, or changed)");
			}
		}
		for (String required : List.of(BackupManifest.SCHEMA, BackupManifest.NAMESPACE, BackupManifest.RECORD)) {
			if (!opened.containsKey(required)) {
				throw new BackupRefusedException("backup " + manifest.id() + " has no part " + required);
			}
		}
		return opened;
	}

}
