package io.tenantforge.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Backups of tenants ({@code tenantforge.backup.*}).
 *
 * @param dir the backup store: a folder, one sub-folder per tenant, one per backup
 * (README, "Backups")
 * @param pgRestore the pg_restore program (not older than the server, like pg_dump)
 * @param processTimeout how long pg_dump or pg_restore may run before it is killed
 * @param recoverInterval how often unfinished restores (of a control plane that died) are
 * finished or undone
 * @param rotationGrace how long a rotated Redis password stays valid beside the new one
 * (for a product that read its secret file just before it was rewritten)
 * @param scheduleCron when the clustered backup schedule looks for due tenants (Quartz
 * cron)
 * @param tiers per tier: how often its tenants are backed up and their credentials
 * rotated, how many backups kept
 * @param haltAfterPhase test hook of the crash tests: a restore stops dead after
 * recording this phase (never set it outside tests)
 */
@ConfigurationProperties("tenantforge.backup")
public record BackupProperties(Path dir, String pgRestore, Duration processTimeout, Duration recoverInterval,
		Duration rotationGrace, String scheduleCron, Map<String, TierSchedule> tiers, RestorePhase haltAfterPhase) {

	/**
	 * @param every back up a tenant of the tier when its newest backup is older (none: no
	 * scheduled backups)
	 * @param keep how many of a tenant's backups are kept; older ones are removed after a
	 * scheduled backup (0: all)
	 * @param rotateEvery rotate the tenant's credentials when the last rotation is older
	 * (none: never scheduled)
	 */
	public record TierSchedule(Duration every, int keep, Duration rotateEvery) {
	}

	public BackupProperties {
		dir = dir == null ? Path.of("var/backups") : dir;
		pgRestore = pgRestore == null ? "pg_restore" : pgRestore;
		processTimeout = processTimeout == null ? Duration.ofMinutes(5) : processTimeout;
		recoverInterval = recoverInterval == null ? Duration.ofSeconds(30) : recoverInterval;
		rotationGrace = rotationGrace == null ? Duration.ofSeconds(2) : rotationGrace;
		scheduleCron = scheduleCron == null ? "0 */5 * * * ?" : scheduleCron;
		tiers = tiers == null ? Map.of() : Map.copyOf(tiers);
	}

}
