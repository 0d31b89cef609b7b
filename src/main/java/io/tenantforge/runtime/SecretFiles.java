package io.tenantforge.runtime;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.TenantNames;

import org.springframework.stereotype.Component;

/**
 * Writes a tenant's secrets as files in a host folder of its own, bind-mounted read-only
 * at {@code /run/secrets}: secrets never travel as environment values. The folder (0500)
 * and files (0400) belong to the unprivileged uid the tenant's container runs as, so that
 * user, and no other, can read them: another uid inside the container, root without
 * capabilities included, is refused. Giving files to another uid needs CAP_CHOWN, i.e. a
 * control plane running as root; one that is not can only serve tenants running as its
 * own uid, and says so when it cannot.
 */
@Component
public class SecretFiles {

	public static final String MOUNT_POINT = "/run/secrets";

	private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

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

	/**
	 * Writes each file (name → content) atomically, readable by {@code owner} only; the
	 * folder is created when missing. Files already holding their content are only given
	 * to the owner again (a tier may change its user).
	 */
	public Path write(TenantNames names, Map<String, String> files, RuntimeUser owner) {
		Path folder = folderOf(names);
		try {
			Files.createDirectories(folder);
			// the control plane's own while it writes; the owner's once complete
			Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
			for (Map.Entry<String, String> file : files.entrySet()) {
				Path target = folder.resolve(file.getKey());
				if (Files.isRegularFile(target, NOFOLLOW) && Files.readString(target).equals(file.getValue())) {
					giveTo(target, owner, "r--------");
					continue;
				}
				Path temporary = Files.createTempFile(folder, ".tmp-", "");
				Files.writeString(temporary, file.getValue());
				giveTo(temporary, owner, "r--------");
				Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			giveTo(folder, owner, "r-x------");
			return folder;
		}
		catch (FileSystemException e) {
			throw new StepFailedException("cannot give the secret files of " + names + " to uid " + owner.spec()
					+ " (the control plane runs as uid " + ownUid() + "; only root may give files to another uid: run "
					+ "it as root, or set tenantforge.runtime.user to its own uid): " + e.getMessage(), e);
		}
		catch (IOException e) {
			throw new StepFailedException("cannot write the secret files of " + names + ": " + e.getMessage(), e);
		}
	}

	/**
	 * Mode first, then owner: a file is never readable by anyone but the control plane or
	 * its owner.
	 */
	private static void giveTo(Path path, RuntimeUser owner, String mode) throws IOException {
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
		if (!Integer.valueOf(owner.uid()).equals(Files.getAttribute(path, "unix:uid", NOFOLLOW))) {
			Files.setAttribute(path, "unix:uid", owner.uid(), NOFOLLOW);
		}
		if (!Integer.valueOf(owner.gid()).equals(Files.getAttribute(path, "unix:gid", NOFOLLOW))) {
			Files.setAttribute(path, "unix:gid", owner.gid(), NOFOLLOW);
		}
	}

	private static String ownUid() {
		try {
			return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException e) {
			return "?";
		}
	}

}
