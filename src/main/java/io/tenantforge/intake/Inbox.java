package io.tenantforge.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.InvalidOrderException;

import org.apache.camel.Header;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.springframework.stereotype.Component;

/**
 * The drop folder's guard. The folders are created {@code 0770} (owner and group of the
 * control plane). While the inbox is writable by others, nothing in it is read, and the
 * control plane says so (log, posture check). A file is read only when it is a regular
 * file (no symbolic link, no second hard link) owned by an allowed user and no larger
 * than an order can be: all decided from its attributes, before a byte of it is read, so
 * a 1 GiB file or a link to a secret ends in {@code error/} with the reason and never
 * stops the files after it.
 */
@Component("inbox")
public class Inbox implements GenericFileFilter<Object> {

	static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwxrwx---");

	private static final Logger log = LoggerFactory.getLogger(Inbox.class);

	private static final Duration WARN_EVERY = Duration.ofMinutes(1);

	private final Path orders;

	private final Set<String> owners;

	private final AtomicReference<Instant> lastWarning = new AtomicReference<>(Instant.EPOCH);

	Inbox(IntakeProperties properties) {
		this.orders = properties.ordersDir().toAbsolutePath().normalize();
		this.owners = new HashSet<>(properties.inboxOwners());
		this.owners.add(System.getProperty("user.name"));
		createFolders();
	}

	private void createFolders() {
		for (String folder : new String[] { "", "inbox", "done", "error" }) {
			Path path = orders.resolve(folder);
			try {
				if (!Files.isDirectory(path)) {
					Files.createDirectories(path);
					Files.setPosixFilePermissions(path, FOLDER_MODE);
				}
			}
			catch (IOException e) {
				throw new UncheckedIOException("cannot create the order folder " + path, e);
			}
		}
		if (worldWritable()) {
			warn();
		}
	}

	public Path inbox() {
		return orders.resolve("inbox");
	}

	/**
	 * True when users other than the control plane's owner and group may write into the
	 * inbox.
	 */
	public boolean worldWritable() {
		try {
			return Files.getPosixFilePermissions(inbox(), LinkOption.NOFOLLOW_LINKS)
				.contains(PosixFilePermission.OTHERS_WRITE) || Files.isSymbolicLink(inbox());
		}
		catch (IOException e) {
			return false;
		}
	}

	/**
	 * The file consumer's filter: nothing is taken from an inbox others may write into.
	 */
	@Override
	public boolean accept(GenericFile<Object> file) {
		if (worldWritable()) {
			warn();
			return false;
		}
		return true;
	}

	private void warn() {
		Instant last = lastWarning.get();
		Instant now = Instant.now();
		if (Duration.between(last, now).compareTo(WARN_EVERY) >= 0 && lastWarning.compareAndSet(last, now)) {
			log.error("The order inbox {} is writable by other users: no order file is read until it is not "
					+ "(chmod o-w; the control plane creates it 0770)", inbox());
		}
	}

	/**
	 * Refuses, from its attributes alone, a file that is not a plain order file of an
	 * allowed owner. Called before the file is read.
	 */
	public void check(@Header("CamelFileAbsolutePath") String absolutePath) {
		Path path = Path.of(absolutePath);
		PosixFileAttributes attributes;
		int links;
		try {
			attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			links = (Integer) Files.getAttribute(path, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
		}
		catch (IOException e) {
			throw new InvalidOrderException("file", "cannot be examined: " + e.getClass().getSimpleName());
		}
		if (attributes.isSymbolicLink()) {
			throw new InvalidOrderException("file", "is a symbolic link; only regular files are read");
		}
		if (!attributes.isRegularFile()) {
			throw new InvalidOrderException("file", "is not a regular file");
		}
		if (links > 1) {
			throw new InvalidOrderException("file", "has " + links + " hard links; only a file of its own is read");
		}
		String owner = attributes.owner().getName();
		if (!owners.contains(owner)) {
			throw new InvalidOrderException("file", "is owned by " + owner + ", not by a user allowed to drop orders "
					+ "(tenantforge.intake.inbox-owners)");
		}
		if (attributes.size() > OrderParser.MAX_BYTES) {
			throw new InvalidOrderException("file", "is " + attributes.size() + " bytes; an order is at most "
					+ OrderParser.MAX_BYTES + " bytes, so it was not read");
		}
	}

}
