package io.tenantforge.backup;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Backup ids: {@code <UTC time>-<random hex>}, e.g. {@code 20261201T103000Z-3fa9c2d1}.
 * They sort by time, name a folder of the store, and are checked before they are ever
 * used as one (a path from a request body).
 */
public final class BackupIds {

	static final Pattern FORM = Pattern.compile("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$");

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private static final SecureRandom RANDOM = new SecureRandom();

	private BackupIds() {
	}

	public static String next(Instant now) {
		byte[] random = new byte[4];
		RANDOM.nextBytes(random);
		return STAMP.format(now) + "-" + HexFormat.of().formatHex(random);
	}

	public static boolean valid(String id) {
		return id != null && FORM.matcher(id).matches();
	}

}
