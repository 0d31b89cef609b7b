package io.tenantforge.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.tenantforge.support.ConflictException;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Tenants' custom domains (table {@code tenant_domains}, Flyway V7). A domain belongs to
 * one tenant at most: the table's primary key refuses a second claim, so two requests
 * racing for one domain cannot both win.
 */
@Repository
public class TenantDomains {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	public TenantDomains(JdbcTemplate jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	public List<String> of(String tenantId) {
		return jdbc.queryForList("SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY domain", String.class,
				tenantId);
	}

	/** The tenant holding this domain, if one does. */
	public Optional<String> owner(String domain) {
		return jdbc.queryForList("SELECT tenant_id FROM tenant_domains WHERE domain = ?", String.class, domain)
			.stream()
			.findFirst();
	}

	/** Every tenant's domains, by tenant id (one query). */
	public Map<String, List<String>> all() {
		Map<String, List<String>> domains = new TreeMap<>();
		jdbc.query("SELECT tenant_id, domain FROM tenant_domains ORDER BY tenant_id, domain", rs -> {
			domains.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2));
		});
		return domains;
	}

	/**
	 * Makes {@code domains} the tenant's domains, in one transaction; a domain another
	 * tenant holds fails the whole change with a conflict, and nothing is changed.
	 */
	public void replace(String tenantId, List<String> domains) {
		try {
			transactions.executeWithoutResult(status -> {
				jdbc.update("DELETE FROM tenant_domains WHERE tenant_id = ?", tenantId);
				for (String domain : domains) {
					jdbc.update("INSERT INTO tenant_domains (domain, tenant_id) VALUES (?, ?)", domain, tenantId);
				}
			});
		}
		catch (DuplicateKeyException taken) {
			List<String> held = jdbc.queryForList(
					"SELECT domain FROM tenant_domains WHERE domain = ANY (?) " + "AND tenant_id <> ? ORDER BY domain",
					String.class, domains.toArray(String[]::new), tenantId);
			throw new ConflictException(
					"domain " + (held.isEmpty() ? "" : String.join(", ", held) + " ") + "is held by another tenant");
		}
	}

	/** Frees the tenant's domains (once it is deleted). */
	public void release(String tenantId) {
		jdbc.update("DELETE FROM tenant_domains WHERE tenant_id = ?", tenantId);
	}

}
