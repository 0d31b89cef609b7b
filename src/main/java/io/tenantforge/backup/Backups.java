package io.tenantforge.backup;

import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.runtime.RuntimeProperties;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStore;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The steps of a backup, called in order by the {@code backup-*} routes: begin, dump the
 * schema, read the namespace, seal; the route writes the files to the store and records
 * the backup. Also shapes the list of a tenant's backups.
 */
@Component
public class Backups {

	/** Header naming what started a backup: api or schedule. */
	public static final String TRIGGER = io.tenantforge.support.Headers.BACKUP_TRIGGER;

	private static final Logger log = LoggerFactory.getLogger(Backups.class);

	private final TenantStore tenants;

	private final SchemaBackups schemas;

	private final NamespaceBackups namespaces;

	private final BackupSeals seals;

	private final BackupStore store;

	private final RuntimeProperties runtime;

	private final ObjectMapper json;

	private final Clock clock = Clock.systemUTC();

	public Backups(TenantStore tenants, SchemaBackups schemas, NamespaceBackups namespaces, BackupSeals seals,
			BackupStore store, RuntimeProperties runtime, ObjectMapper json) {
		this.tenants = tenants;
		this.schemas = schemas;
		this.namespaces = namespaces;
		this.seals = seals;
		this.store = store;
		this.runtime = runtime;
		this.json = json;
	}

	/** The tenant, which must exist (404) and not be deleted (409). */
	public Tenant requireTenant(@Header("id") String id) {
		Tenant tenant = tenants.find(id).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
		if (tenant.desiredState() == DesiredState.DELETED) {
			throw new ConflictException("tenant '" + id + "' is " + tenant.status() + ": nothing to back up");
		}
		return tenant;
	}

	public BackupJob begin(@Header("id") String id, @Header(TRIGGER) String trigger) {
		Tenant tenant = requireTenant(id);
		if (!schemas.schemaExists(tenant.names().databaseSchema())) {
			throw new ConflictException("tenant '" + id + "' has no database schema yet (" + tenant.status() + ")");
		}
		BackupJob job = BackupJob.start(tenant, trigger == null ? "api" : trigger, clock.instant());
		log.info("Backing up tenant {} as {} ({})", id, job.id(), job.trigger());
		return job;
	}

	public BackupJob dumpSchema(BackupJob job) {
		Map<String, Long> rows = schemas.rowCounts(job.tenant().names());
		String version = schemas.schemaVersion(job.tenant().names());
		return job.withSchema(schemas.dump(job.tenant().names()), rows, version);
	}

	public BackupJob readNamespace(BackupJob job) {
		return job.withNamespace(namespaces.capture(job.tenant().names()));
	}

	/**
	 * Seals the parts and writes the manifest: the files the route puts into the store,
	 * manifest last.
	 */
	public BackupJob seal(BackupJob job) {
		Map<String, byte[]> parts = new LinkedHashMap<>();
		parts.put(BackupManifest.SCHEMA, job.schemaDump());
		parts.put(BackupManifest.NAMESPACE, job.namespace().encode());
		parts.put(BackupManifest.RECORD, record(job.tenant()));
		String tenant = job.tenant().id();
		List<BackupSeals.SealedPart> sealed = seals.seal(tenant, job.id(), parts);
		BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT, job.id(), tenant, job.startedAt(),
				job.trigger(), job.schemaVersion(), job.rows(), job.namespace().entries().size(),
				sealed.stream().map(BackupSeals.SealedPart::entry).toList());
		List<BackupStore.BackupFile> files = new ArrayList<>();
		sealed.forEach(
				p -> files.add(new BackupStore.BackupFile(BackupStore.pathOf(tenant, job.id(), p.file()), p.bytes())));
		files.add(new BackupStore.BackupFile(BackupStore.pathOf(tenant, job.id(), BackupStore.MANIFEST),
				store.manifestBytes(manifest)));
		return job.sealed(files, manifest);
	}

	/** The backup as the API shows it, once its files are in the store. */
	public BackupView written(BackupJob job) {
		BackupView view = BackupView.of(job.manifest());
		log.info("Backed up tenant {} as {}: {} rows, {} keys, {} bytes sealed", view.tenant(), view.id(), view.rows(),
				view.keys(), view.sizeBytes());
		return view;
	}

	/**
	 * Rows of {@code tenant_backups} (the {@code sql:} query of the list route) as the
	 * API shows them.
	 */
	public List<BackupView> views(List<Map<String, Object>> rows) {
		return rows.stream()
			.map(row -> new BackupView((String) row.get("id"), (String) row.get("tenant_id"),
					(String) row.get("trigger"), ((Timestamp) row.get("created_at")).toInstant(),
					(String) row.get("schema_version"), ((Number) row.get("size_bytes")).longValue(),
					((Number) row.get("row_count")).longValue(), ((Number) row.get("key_count")).longValue()))
			.toList();
	}

	private byte[] record(Tenant tenant) {
		Map<String, Object> record = new LinkedHashMap<>();
		record.put("id", tenant.id());
		record.put("name", tenant.name());
		record.put("tier", tenant.tier());
		record.put("desiredState", tenant.desiredState().name());
		record.put("image", runtime.getImage());
		try {
			return json.writeValueAsBytes(record);
		}
		catch (IOException e) {
			throw new IllegalStateException("cannot write the tenant record", e);
		}
	}

}
