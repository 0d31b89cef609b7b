package io.tenantforge.backup;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Backups of tenants ({@code tenantforge.backup.*}).
 *
 * @param dir the backup store: a folder, one sub-folder per tenant, one per backup (README, "Backups")
 * @param pgRestore the pg_restore program (not older than the server, like pg_dump)
 * @param processTimeout how long pg_dump or pg_restore may run before it is killed
 * @param recoverInterval how often unfinished restores (of a control plane that died) are finished or undone
 * @param rotationGrace how long a rotated Redis password stays valid beside the new one (for a product that read its
 * secret file just before it was rewritten)
 * @param haltAfterPhase test hook of the crash tests: a restore stops dead after recording this phase (never set it
 * outside tests)
 */
@ConfigurationProperties("tenantforge.backup")
public record BackupProperties(Path dir, String pgRestore, Duration processTimeout, Duration recoverInterval,
		Duration rotationGrace, RestorePhase haltAfterPhase) {

	public BackupProperties {
		dir = dir == null ? Path.of("var/backups") : dir;
		pgRestore = pgRestore == null ? "pg_restore" : pgRestore;
		processTimeout = processTimeout == null ? Duration.ofMinutes(5) : processTimeout;
		recoverInterval = recoverInterval == null ? Duration.ofSeconds(30) : recoverInterval;
		rotationGrace = rotationGrace == null ? Duration.ofSeconds(2) : rotationGrace;
	}

}
