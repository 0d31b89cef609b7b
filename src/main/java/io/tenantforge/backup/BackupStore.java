package io.tenantforge.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.NotFoundException;
import io.tenantforge.support.StepFailedException;

import org.springframework.stereotype.Component;

/**
 * The folder backup store: {@code
 *
<dir>
 * /<tenant>/<backup id>/} holds {@code manifest.json} and one {@code <part>.sealed} file
 * per part. The backup route writes the files through Camel's {@code file:} component
 * (manifest last: a folder without one is an unfinished backup); this bean names them and
 * reads a backup back whole for a restore (a file consumer polls a folder, a restore
 * reads named files on request: hence a bean).
 */
@Component
public class BackupStore {

	public static final String MANIFEST = "manifest.json";

	private final BackupProperties properties;

	private final ObjectMapper json;

	public BackupStore(BackupProperties properties, ObjectMapper json) {
		this.properties = properties;
		this.json = json;
	}

	/** A file of a backup: its path under the store, and its bytes. */
	public record BackupFile(String path, byte[] bytes) {
	}

	/** A backup as read from the store: its manifest and its sealed files by name. */
	public record StoredBackup(BackupManifest manifest, Map<String, byte[]> files) {
	}

	public static String pathOf(String tenant, String backupId, String file) {
		return tenant + "/" + backupId + "/" + file;
	}

	public byte[] manifestBytes(BackupManifest manifest) {
		try {
			return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot write a manifest", e);
		}
	}

	/**
	 * Reads the backup {@code backupId} from the folder of {@code tenant}.
	 * @throws NotFoundException when there is no finished backup of that id there
	 * @throws BackupRefusedException when its manifest cannot be read
	 */
	public StoredBackup read(String tenant, String backupId) {
		Path folder = properties.dir().toAbsolutePath().resolve(tenant).resolve(backupId);
		Path manifestFile = folder.resolve(MANIFEST);
		if (!Files.isRegularFile(manifestFile)) {
			throw new NotFoundException("no backup '" + backupId + "' of tenant '" + tenant + "' in the backup store");
		}
		BackupManifest manifest;
		try {
			manifest = json.readValue(Files.readAllBytes(manifestFile), BackupManifest.class);
		}
		catch (IOException e) {
			throw new BackupRefusedException("backup " + backupId + ": its manifest cannot be read ("
					+ e.getMessage().lines().findFirst().orElse("") + ")");
		}
		if (!backupId.equals(manifest.id())) {
			throw new BackupRefusedException("backup " + backupId + ": its manifest names backup '" + manifest.id()
					+ "': the folder was copied or renamed");
		}
		Map<String, byte[]> files = new LinkedHashMap<>();
		try {
			for (BackupManifest.Part part : manifest.parts()) {
				if (!part.file().matches("[a-z]+\\.sealed")) {
					throw new BackupRefusedException("backup " + backupId + ": part file name '" + part.file()
							+ "' is not one this control plane writes");
				}
				Path file = folder.resolve(part.file());
				if (Files.isRegularFile(file)) {
					files.put(part.file(), Files.readAllBytes(file));
				}
			}
		}
		catch (IOException e) {
			throw new StepFailedException("cannot read backup " + backupId + ": " + e.getMessage(), e);
		}
		return new StoredBackup(manifest, files);
	}

}
