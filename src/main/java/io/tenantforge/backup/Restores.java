package io.tenantforge.backup;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.cache.TenantCacheProvisioner;
import io.tenantforge.database.TenantDatabaseProvisioner;
import io.tenantforge.tenant.TenantLocks;
import io.tenantforge.tenant.TenantLocks.TenantLock;
import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * The steps of a restore in place, called in order by the {@code restore-*} routes. Under
 * the tenant's reconcile lock (no reconciler, on any control plane, acts on it
 * meanwhile): the backup is opened and checked before anything is touched; the tenant is
 * suspended; the backup's keys are staged under a prefix of the restore's own; the live
 * schema is parked under a side name and the backup's schema restored in one transaction;
 * the staged keys are swapped in (the commit point, see {@link RestoreRecovery}); the
 * parked schema is dropped; the tenant resumes through the reconciler. A step that fails
 * undoes what was done; a control plane that dies mid-way leaves a recorded restore that
 * the recovery route finishes or undoes.
 */
@Component
public class Restores {

	static final String LOCK = "TenantforgeRestoreLock";

	static final String JOB = io.tenantforge.support.Headers.RESTORE_JOB;

	private static final Logger log = LoggerFactory.getLogger(Restores.class);

	private final TenantStore tenants;

	private final TenantLocks locks;

	private final RestoreLedger ledger;

	private final BackupStore store;

	private final BackupSeals seals;

	private final SchemaBackups schemas;

	private final NamespaceBackups namespaces;

	private final TenantRuntime containers;

	private final TenantCacheProvisioner cache;

	private final TenantDatabaseProvisioner database;

	private final ObjectMapper json;

	private final BackupProperties properties;

	private final org.springframework.jdbc.core.JdbcTemplate jdbc;

	public Restores(TenantStore tenants, TenantLocks locks, RestoreLedger ledger, BackupStore store, BackupSeals seals,
			SchemaBackups schemas, NamespaceBackups namespaces, TenantRuntime containers, TenantCacheProvisioner cache,
			TenantDatabaseProvisioner database, ObjectMapper json, BackupProperties properties,
			org.springframework.jdbc.core.JdbcTemplate jdbc) {
		this.properties = properties;
		this.jdbc = jdbc;
		this.tenants = tenants;
		this.locks = locks;
		this.ledger = ledger;
		this.store = store;
		this.seals = seals;
		this.schemas = schemas;
		this.namespaces = namespaces;
		this.containers = containers;
		this.cache = cache;
		this.database = database;
		this.json = json;
	}

	/**
	 * Reads the request, then opens and checks the backup: it must be this tenant's,
	 * complete, match its checksums and open with this control plane's key for this
	 * tenant. Nothing is changed before this has passed.
	 */
	public RestoreJob open(@Header("id") String tenantId, @Body byte[] body) {
		String backupId = backupIdOf(body);
		Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new NotFoundException("no tenant '" + tenantId + "'"));
		if (tenant.desiredState() == DesiredState.DELETED) {
			throw new ConflictException("tenant '" + tenantId + "' is " + tenant.status() + ": nothing to restore");
		}
		Optional<String> owner = ledger.ownerOfBackup(backupId);
		if (owner.isPresent() && !owner.get().equals(tenantId)) {
			throw new BackupRefusedException("backup " + backupId + " is a backup of tenant '" + owner.get()
					+ "', not of '" + tenantId + "': a backup restores its own tenant only");
		}
		BackupStore.StoredBackup stored = store.read(tenantId, backupId);
		Map<String, byte[]> parts = seals.open(stored.manifest(), tenantId, stored.files());
		NamespaceSnapshot namespace;
		try {
			namespace = NamespaceSnapshot.decode(parts.get(BackupManifest.NAMESPACE));
		}
		catch (IllegalArgumentException e) {
			throw new BackupRefusedException("backup " + backupId + ": " + e.getMessage());
		}
		return new RestoreJob(tenant, backupId, tenantId, stored.manifest(), parts.get(BackupManifest.SCHEMA),
				namespace, 0);
	}

	/**
	 * The seed of a clone: the backup of the source tenant recorded in its seed, opened
	 * and checked as that tenant's (the seal's associated data is the source tenant's
	 * id), to be restored into the clone.
	 */
	public RestoreJob openSeed(@Header(io.tenantforge.support.Headers.TENANT_ID) String tenantId) {
		Tenant tenant = tenants.find(tenantId).orElseThrow(() -> new NotFoundException("no tenant '" + tenantId + "'"));
		Map<String, Object> seed = jdbc
			.queryForMap("SELECT source_tenant, backup_id FROM tenant_seeds WHERE tenant_id = ?", tenantId);
		String source = (String) seed.get("source_tenant");
		String backupId = (String) seed.get("backup_id");
		BackupStore.StoredBackup stored = store.read(source, backupId);
		Map<String, byte[]> parts = seals.open(stored.manifest(), source, stored.files());
		NamespaceSnapshot namespace;
		try {
			namespace = NamespaceSnapshot.decode(parts.get(BackupManifest.NAMESPACE));
		}
		catch (IllegalArgumentException e) {
			throw new BackupRefusedException("backup " + backupId + ": " + e.getMessage());
		}
		return new RestoreJob(tenant, backupId, source, stored.manifest(), parts.get(BackupManifest.SCHEMA), namespace,
				0);
	}

	/**
	 * For a clone: the source's schema made into the clone's (its name, owner and mark);
	 * nothing for a restore.
	 */
	public RestoreJob retarget(RestoreJob job) {
		if (!job.seed()) {
			return job;
		}
		return job.withSchemaDump(schemas.retarget(job.schemaDump(), new TenantNames(job.sourceTenant()),
				job.tenant().names(), job.tenant().id(), job.restoreId()));
	}

	/**
	 * Takes the tenant's lock (409 while a reconcile or another restore holds it) and
	 * records the restore.
	 */
	public RestoreJob begin(RestoreJob job, Exchange exchange) {
		TenantLock lock = locks.tryLock(job.tenant().id())
			.orElseThrow(() -> new ConflictException("tenant '" + job.tenant().id()
					+ "' is being reconciled or restored right now; try again in a moment"));
		long id;
		try {
			id = ledger.open(job.tenant().id(), job.backupId(), job.sourceTenant());
		}
		catch (RuntimeException e) {
			lock.close();
			throw e;
		}
		exchange.setProperty(LOCK, lock);
		RestoreJob recorded = job.recorded(id);
		exchange.setProperty(JOB, recorded);
		log.info("Restore {}: backup {} into tenant {}", id, job.backupId(), job.tenant().id());
		return recorded;
	}

	/**
	 * Stops the container and locks the role and ACL user: nothing writes while the data
	 * changes.
	 */
	public RestoreJob suspend(RestoreJob job) {
		containers.stop(job.tenant());
		cache.disable(job.tenant());
		database.disableLogin(job.tenant());
		return job;
	}

	public RestoreJob stage(RestoreJob job) {
		namespaces.stage(job.namespace(), job.restoreId());
		mark(job, RestorePhase.STAGED);
		return job;
	}

	public RestoreJob park(RestoreJob job) {
		schemas.park(job.tenant().names(), job.restoreId());
		mark(job, RestorePhase.PARKED);
		return job;
	}

	public RestoreJob restoreSchema(RestoreJob job) {
		schemas.restore(job.tenant().names(), job.schemaDump());
		mark(job, RestorePhase.RESTORED);
		return job;
	}

	public RestoreJob swap(RestoreJob job) {
		long moved = namespaces.swap(job.tenant().names(), job.restoreId());
		mark(job, RestorePhase.SWAPPED);
		log.info("Restore {}: {} keys swapped in for tenant {}", job.restoreId(), moved, job.tenant().id());
		return job;
	}

	public RestoreLedger.RestoreView finish(RestoreJob job) {
		schemas.dropParked(job.restoreId());
		namespaces.clearStaged(job.restoreId());
		ledger.end(job.restoreId(), RestorePhase.DONE, null);
		log.info("Restore {} done: tenant {} has the data of backup {}", job.restoreId(), job.tenant().id(),
				job.backupId());
		return ledger.find(job.restoreId()).orElseThrow();
	}

	/**
	 * A step failed: undoes what the restore did (or finishes it, if it got past its
	 * commit point), then fails the request with the reason. A restore not yet recorded
	 * changed nothing.
	 */
	public void undo(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		RestoreJob job = exchange.getProperty(JOB, RestoreJob.class);
		String reason = cause == null ? "unknown failure" : cause.getMessage();
		RestorePhase outcome = settle(job.restoreId(), job.tenant().names(), reason);
		throw new RestoreFailedException("restore of backup " + job.backupId() + " into tenant '" + job.tenant().id()
				+ "' failed (" + reason + "); " + switch (outcome) {
					case UNDONE -> "undone: the tenant has its data from before";
					case DONE -> "it had passed its commit point and was finished: the tenant has the backup's data";
					default -> "it could not be settled (" + outcome + "): an operator must look (tenant_restores "
							+ job.restoreId() + ")";
				});
	}

	/**
	 * Gives the lock back and has the reconciler bring the tenant back to its desired
	 * state (it resumes).
	 */
	public void release(Exchange exchange) {
		TenantLock lock = exchange.getProperty(LOCK, TenantLock.class);
		RestoreJob job = exchange.getProperty(JOB, RestoreJob.class);
		if (lock == null) {
			return;
		}
		exchange.removeProperty(LOCK);
		try {
			// an unsettled restore (a service was down for the undo too) keeps the tenant
			// suspended: the recovery
			// route settles it and resumes the tenant then
			if (ledger.find(job.restoreId()).map(r -> r.phase().finished()).orElse(false)) {
				resume(job.tenant().id());
			}
		}
		finally {
			lock.close();
		}
	}

	/**
	 * Finishes or undoes one unfinished restore of a control plane that died: only when
	 * no one holds the tenant's lock (a live restore holds it throughout). Returns the
	 * tenant id when it settled one, else null.
	 */
	public String recover(RestoreLedger.RestoreView restore) {
		Optional<TenantLock> lock = locks.tryLock(restore.tenant());
		if (lock.isEmpty()) {
			return null;
		}
		try (TenantLock held = lock.get()) {
			Optional<RestoreLedger.RestoreView> current = ledger.find(restore.id());
			if (current.isEmpty() || current.get().phase().finished()) {
				return null;
			}
			RestorePhase outcome = settle(restore.id(), new TenantNames(restore.tenant()),
					"its control plane stopped in phase " + current.get().phase());
			log.warn("Restore {} of tenant {} recovered: {}", restore.id(), restore.tenant(), outcome);
			resume(restore.tenant());
			return restore.tenant();
		}
	}

	/**
	 * Applies {@link RestoreRecovery#decide} to what is observed now; returns how the
	 * restore ended.
	 */
	private RestorePhase settle(long restoreId, TenantNames names, String reason) {
		RestorePhase phase = ledger.find(restoreId).map(RestoreLedger.RestoreView::phase).orElseThrow();
		boolean live = schemas.schemaExists(names.databaseSchema());
		boolean parked = schemas.schemaExists(SchemaBackups.parkedName(restoreId));
		boolean marker = namespaces.staged(restoreId);
		RestoreRecovery.Decision decision = RestoreRecovery.decide(phase, live, parked, marker);
		log.warn("Restore {} of {} stopped after {} ({}); live schema {}, parked {}, staged keys {}: {}", restoreId,
				names, phase, reason, live, parked, marker, decision);
		switch (decision) {
			case UNDO -> {
				if (parked) {
					schemas.unpark(names, restoreId);
				}
				namespaces.clearStaged(restoreId);
				ledger.end(restoreId, RestorePhase.UNDONE, reason);
				return RestorePhase.UNDONE;
			}
			case FINISH -> {
				schemas.dropParked(restoreId);
				namespaces.clearStaged(restoreId);
				ledger.end(restoreId, RestorePhase.DONE, reason);
				return RestorePhase.DONE;
			}
			default -> {
				ledger.end(restoreId, RestorePhase.STUCK, reason + "; neither schema " + names.databaseSchema()
						+ " nor " + SchemaBackups.parkedName(restoreId) + " exists");
				return RestorePhase.STUCK;
			}
		}
	}

	/**
	 * Records the phase; then the crash tests' hook may stop the restore dead, to SIGKILL
	 * it exactly there.
	 */
	private void mark(RestoreJob job, RestorePhase phase) {
		ledger.mark(job.restoreId(), phase);
		if (phase == properties.haltAfterPhase()) {
			log.warn("halted after restore phase {} of tenant {} (tenantforge.backup.halt-after-phase)", phase,
					job.tenant().id());
			while (true) {
				java.util.concurrent.locks.LockSupport.park(this);
			}
		}
	}

	/**
	 * A new generation of the tenant's unchanged desired state: the reconciler unlocks
	 * and starts it again.
	 */
	private void resume(String tenantId) {
		tenants.find(tenantId).ifPresent(tenant -> {
			TenantStatus status = tenant.desiredState() == DesiredState.ACTIVE ? TenantStatus.PROVISIONING
					: tenant.status();
			tenants.changeDesired(tenantId, tenant.desiredState(), null, status);
		});
	}

	private String backupIdOf(byte[] body) {
		JsonNode request;
		try {
			request = json.readTree(body == null ? new byte[0] : body);
		}
		catch (IOException e) {
			throw new InvalidOrderException("backup", "the body is not JSON");
		}
		JsonNode backup = request == null ? null : request.get("backup");
		if (backup == null || !backup.isTextual()) {
			throw new InvalidOrderException("backup", "required: the id of a backup of this tenant");
		}
		if (!BackupIds.valid(backup.asText())) {
			throw new InvalidOrderException("backup", "not a backup id (like 20261201T103000Z-3fa9c2d1)");
		}
		return backup.asText();
	}

}
