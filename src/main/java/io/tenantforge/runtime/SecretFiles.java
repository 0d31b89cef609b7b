package io.tenantforge.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.TenantNames;

import org.springframework.stereotype.Component;

/**
 * Writes a tenant's secrets as files in a host folder of its own (mode 0700, files 0400), bind-mounted read-only at
 * {@code /run/secrets}: secrets never travel as environment values.
 */
@Component
public class SecretFiles {

	public static final String MOUNT_POINT = "/run/secrets";

	private final RuntimeProperties properties;

	public SecretFiles(RuntimeProperties properties) {
		this.properties = properties;
	}

	public Path folderOf(TenantNames names) {
		return properties.getSecretsDir().toAbsolutePath().normalize().resolve(names.slug());
	}

	/** Removes the tenant's secret folder and everything in it. */
	public void remove(TenantNames names) {
		Path folder = folderOf(names);
		try {
			org.springframework.util.FileSystemUtils.deleteRecursively(folder);
		}
		catch (IOException e) {
			throw new StepFailedException("cannot remove the secret files of " + names + ": " + e.getMessage(), e);
		}
	}

	/** Writes each file (name → content) atomically; the folder is created when missing. */
	public Path write(TenantNames names, Map<String, String> files) {
		Path folder = folderOf(names);
		try {
			Files.createDirectories(folder);
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
			for (Map.Entry<String, String> file : files.entrySet()) {
				Path target = folder.resolve(file.getKey());
				if (Files.exists(target) && Files.readString(target).equals(file.getValue())) {
					continue;
				}
				Path temporary = Files.createTempFile(folder, ".tmp-", "");
				Files.writeString(temporary, file.getValue());
				Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("r--------"));
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			return folder;
		}
		catch (IOException e) {
			throw new StepFailedException("cannot write the secret files of " + names + ": " + e.getMessage(), e);
		}
	}

}
