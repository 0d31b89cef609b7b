package io.tenantforge.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Supplier;

import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;

/**
 * Resolves a credential from configuration; outside the dev profile a missing one stops
 * the start-up, in it one is generated once and kept in a file that only the owner can
 * read (never logged).
 */
public final class DevCredentials {

	private static final SecureRandom RANDOM = new SecureRandom();

	private DevCredentials() {
	}

	public static String resolve(String configured, String what, String variable, Path devFile, Environment environment,
			Supplier<String> generator) {
		if (configured != null && !configured.isBlank()) {
			return configured;
		}
		if (!environment.acceptsProfiles(Profiles.of("dev"))) {
			throw new IllegalStateException(
					what + " is not set: set " + variable + " (outside the dev profile there is no default)");
		}
		try {
			if (Files.exists(devFile)) {
				return Files.readString(devFile).trim();
			}
			Files.createDirectories(devFile.toAbsolutePath().getParent());
			String value = generator.get();
			Files.writeString(devFile, value + "\n");
			Files.setPosixFilePermissions(devFile, PosixFilePermissions.fromString("rw-------"));
			System.err.println("tenantforge (dev profile): generated " + what + " into " + devFile.toAbsolutePath());
			return value;
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot keep the generated " + what + " in " + devFile, e);
		}
	}

	public static String randomToken(int bytes) {
		byte[] raw = new byte[bytes];
		RANDOM.nextBytes(raw);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
	}

	static String randomKey() {
		byte[] raw = new byte[32];
		RANDOM.nextBytes(raw);
		return Base64.getEncoder().encodeToString(raw);
	}

}
