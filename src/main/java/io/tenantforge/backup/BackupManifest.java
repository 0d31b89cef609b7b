package io.tenantforge.backup;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backup holds, in clear ({@code manifest.json} beside the sealed parts): whose it
 * is, when, the tenant schema's migration version, counts and sizes, and the SHA-256 of
 * every sealed part. Never a value of the tenant's data nor a secret: those are only in
 * the sealed parts.
 *
 * @param format the layout version of the backup ({@value #FORMAT})
 * @param rows rows per table of the tenant's schema when it was dumped
 * @param keys keys of the tenant's Redis namespace when it was read
 */
public record BackupManifest(int format, String id, String tenant, Instant createdAt, String trigger,
		String schemaVersion, Map<String, Long> rows, long keys, List<Part> parts) {

	public static final int FORMAT = 1;

	/** The pg_dump (custom format) of the tenant's schema. */
	public static final String SCHEMA = "schema";

	/** The Redis namespace ({@link NamespaceSnapshot}). */
	public static final String NAMESPACE = "namespace";

	/** The tenant's record: name, tier, image. */
	public static final String RECORD = "record";

	public BackupManifest {
		rows = Map.copyOf(rows);
		parts = List.copyOf(parts);
	}

	/**
	 * @param file the sealed part's file name in the backup's folder
	 * @param plainBytes its size before sealing
	 * @param sealedBytes the file's size
	 * @param sha256 lower-case hex SHA-256 of the file's bytes (the ciphertext)
	 */
	public record Part(String name, String file, long plainBytes, long sealedBytes, String sha256) {
	}

	public Optional<Part> part(String name) {
		return parts.stream().filter(p -> p.name().equals(name)).findFirst();
	}

	public long sizeBytes() {
		return parts.stream().mapToLong(Part::sealedBytes).sum();
	}

	public long rowCount() {
		return rows.values().stream().mapToLong(Long::longValue).sum();
	}

	/**
	 * The associated data a part is sealed with: the tenant id first (a backup of one
	 * tenant never opens as another's), then the backup and part (a part never opens in
	 * place of another).
	 */
	public static String context(String tenant, String backupId, String part) {
		return "backup/" + tenant + "/" + backupId + "/" + part;
	}

}
