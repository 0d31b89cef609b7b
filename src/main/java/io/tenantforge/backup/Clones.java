package io.tenantforge.backup;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.NotFoundException;

import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Clones: an order with {@code "from":{"tenant","backup"}} makes a new tenant like any
 * other (its own role, ACL user, container), which is then seeded from that backup by a
 * restore into it ({@code clone-seed} route): the backup's schema under the new tenant's
 * name and owner, its keys under the new tenant's prefix. The backup is checked before
 * the order is recorded, so a bad one refuses the order (400 naming {@code from.backup});
 * afterwards the two tenants share nothing.
 */
@Component
public class Clones {

	private static final Logger log = LoggerFactory.getLogger(Clones.class);

	private final BackupStore store;

	private final BackupSeals seals;

	private final RestoreLedger ledger;

	private final JdbcTemplate jdbc;

	public Clones(BackupStore store, BackupSeals seals, RestoreLedger ledger, JdbcTemplate jdbc) {
		this.store = store;
		this.seals = seals;
		this.ledger = ledger;
		this.jdbc = jdbc;
	}

	/**
	 * A clone's source ({@code sourceTenant}, {@code backupId}; both null for an order
	 * that is no clone) must be a backup of that tenant that opens with this control
	 * plane's key: else 400 naming {@code from.backup}. The intake route calls this with
	 * the order's fields (intake and backup are features of one layer: neither imports
	 * the other).
	 */
	public void check(String sourceTenant, String backupId) {
		if (sourceTenant == null || backupId == null) {
			return;
		}
		try {
			if (ledger.ownerOfBackup(backupId).filter(owner -> !owner.equals(sourceTenant)).isPresent()) {
				throw new BackupRefusedException(
						"backup " + backupId + " is not a backup of tenant '" + sourceTenant + "'");
			}
			BackupStore.StoredBackup stored = store.read(sourceTenant, backupId);
			seals.open(stored.manifest(), sourceTenant, stored.files());
		}
		catch (NotFoundException | ConflictException e) {
			throw new InvalidOrderException("from.backup", e.getMessage());
		}
	}

	/**
	 * Records the seed of a tenant an order made ({@code created}); an order seen before
	 * records nothing.
	 */
	public void requested(String sourceTenant, String backupId, String tenantId, boolean created) {
		if (sourceTenant != null && backupId != null && created) {
			jdbc.update(
					"INSERT INTO tenant_seeds (tenant_id, source_tenant, backup_id) VALUES (?, ?, ?) "
							+ "ON CONFLICT (tenant_id) DO UPDATE SET source_tenant = EXCLUDED.source_tenant, "
							+ "backup_id = EXCLUDED.backup_id, state = 'PENDING', reason = NULL, finished_at = NULL",
					tenantId, sourceTenant, backupId);
			log.info("Tenant {} is a clone: seeded from backup {} of {} once it is ACTIVE", tenantId, backupId,
					sourceTenant);
		}
	}

	/**
	 * Tenants whose seed is due: ACTIVE with their reconcile done. A seed whose restore
	 * finished (a control plane that died after it) is marked seeded first, never run
	 * twice.
	 */
	public List<String> due() {
		jdbc.update("UPDATE tenant_seeds s SET state = 'SEEDED', finished_at = now() WHERE state = 'PENDING' AND "
				+ "EXISTS (SELECT 1 FROM tenant_restores r WHERE r.tenant_id = s.tenant_id AND r.backup_id = s.backup_id "
				+ "AND r.source_tenant = s.source_tenant AND r.phase = 'DONE')");
		return jdbc.queryForList("SELECT s.tenant_id FROM tenant_seeds s JOIN tenants t ON t.id = s.tenant_id "
				+ "WHERE s.state = 'PENDING' AND t.desired_state = 'ACTIVE' AND t.status = 'ACTIVE' "
				+ "AND t.observed_generation = t.generation ORDER BY s.created_at", String.class);
	}

	public void seeded(RestoreLedger.RestoreView restore) {
		jdbc.update("UPDATE tenant_seeds SET state = 'SEEDED', finished_at = now() WHERE tenant_id = ?",
				restore.tenant());
		log.info("Clone {} seeded from backup {} of {}", restore.tenant(), restore.backup(), restore.sourceTenant());
	}

	/**
	 * A seed that failed: refused or undone for good (FAILED, with the reason); anything
	 * else (the tenant busy, a service down) is tried again on the next round.
	 */
	public void failed(Exchange exchange) {
		Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
		String tenant = exchange.getMessage().getHeader(io.tenantforge.support.Headers.TENANT_ID, String.class);
		if (cause instanceof BackupRefusedException || cause instanceof RestoreFailedException) {
			jdbc.update("UPDATE tenant_seeds SET state = 'FAILED', reason = ?, finished_at = now() WHERE tenant_id = ?",
					cause.getMessage(), tenant);
			log.warn("Clone {} could not be seeded: {}", tenant, cause.getMessage());
		}
		else {
			log.info("Clone {}: seeding deferred ({})", tenant, cause == null ? "?" : cause.getMessage());
		}
	}

}
