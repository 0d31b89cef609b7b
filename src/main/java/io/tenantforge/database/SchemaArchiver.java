package io.tenantforge.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.Tenant;

import org.springframework.stereotype.Component;

/**
 * Keeps a {@code pg_dump} (custom format) of a tenant's schema under the archive folder
 * before deprovisioning drops it. The password, if any, goes to pg_dump through its
 * environment, never its command line.
 */
@Component
public class SchemaArchiver {

	private static final Logger log = LoggerFactory.getLogger(SchemaArchiver.class);

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
		.withZone(ZoneOffset.UTC);

	private final TenantDatabaseProperties properties;

	private final TenantDatabaseProvisioner database;

	/** How long pg_dump may run before it is destroyed and the archive step retried. */
	private static final Duration TIMEOUT = Duration.ofMinutes(5);

	public SchemaArchiver(TenantDatabaseProperties properties, TenantDatabaseProvisioner database) {
		this.properties = properties;
		this.database = database;
	}

	/**
	 * Dumps the schema when archiving is on and the schema is there; returns the dump, or
	 * null.
	 */
	public Path archive(Tenant tenant) {
		if (!properties.archiveOnDelete() || !database.schemaExists(tenant.names())) {
			return null;
		}
		String schema = tenant.names().databaseSchema();
		try {
			Path dir = Files.createDirectories(properties.archiveDir().toAbsolutePath());
			Path dump = dir.resolve(tenant.id() + "-" + STAMP.format(Instant.now()) + ".dump");
			List<String> command = List.of(properties.pgDump(),
					"--dbname=" + properties.url().replaceFirst("^jdbc:", ""), "--username=" + properties.username(),
					"--schema=" + schema, "--format=custom", "--file=" + dump);
			Path messages = Files.createTempFile(dir, tenant.id() + "-pg_dump", ".log");
			Map<String, String> environment = properties.password() == null || properties.password().isEmpty()
					? Map.of() : Map.of("PGPASSWORD", properties.password());
			DumpProcess.run("pg_dump of " + schema, command, environment, messages, TIMEOUT);
			log.info("Archived schema {} to {}", schema, dump);
			return dump;
		}
		catch (IOException e) {
			throw new StepFailedException(
					"cannot archive schema " + schema + " with " + properties.pgDump() + ": " + e.getMessage(), e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new RetryableException("interrupted while archiving " + schema, e);
		}
	}

}
