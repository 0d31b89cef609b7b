package io.tenantforge.tenant;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The ownership record: which role, schema, ACL user, container, network and secret
 * folder belong to which tenant. A resource is claimed here <em>before</em> it is
 * created, so after a crash the record still knows it, and only what is recorded for a
 * tenant may ever be removed on its behalf.
 */
@Repository
public class ResourceLedger {

	public static final String DATABASE_ROLE = "database-role";

	public static final String DATABASE_SCHEMA = "database-schema";

	public static final String REDIS_USER = "redis-user";

	public static final String CONTAINER = "container";

	public static final String SECRET_DIR = "secret-dir";

	/** A tenant's own Docker network (isolated network mode). */
	public static final String NETWORK = "network";

	private final JdbcTemplate jdbc;

	public ResourceLedger(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records that {@code tenantId} owns the resource, unless someone else does. True
	 * when the tenant owns it now (just claimed or claimed before), false when another
	 * tenant's record holds it.
	 */
	public boolean claim(String tenantId, String kind, String name) {
		jdbc.update("INSERT INTO tenant_resources (kind, name, tenant_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				kind, name, tenantId);
		return owner(kind, name).map(tenantId::equals).orElse(false);
	}

	public Optional<String> owner(String kind, String name) {
		return jdbc
			.queryForList("SELECT tenant_id FROM tenant_resources WHERE kind = ? AND name = ?", String.class, kind,
					name)
			.stream()
			.findFirst();
	}

	/** Whether the record gives the resource to this tenant. */
	public boolean owns(String tenantId, String kind, String name) {
		return owner(kind, name).map(tenantId::equals).orElse(false);
	}

	public List<Resource> ownedBy(String tenantId) {
		return jdbc.query("SELECT kind, name FROM tenant_resources WHERE tenant_id = ? ORDER BY created_at",
				(rs, i) -> new Resource(rs.getString(1), rs.getString(2)), tenantId);
	}

	/**
	 * The whole record, by kind and name: what the health sweep checks orphans against.
	 */
	public java.util.Map<Resource, String> all() {
		java.util.Map<Resource, String> owners = new java.util.HashMap<>();
		jdbc.query("SELECT kind, name, tenant_id FROM tenant_resources", rs -> {
			owners.put(new Resource(rs.getString(1), rs.getString(2)), rs.getString(3));
		});
		return owners;
	}

	/** Forgets a resource once it is observed gone. */
	public void release(String tenantId, String kind, String name) {
		jdbc.update("DELETE FROM tenant_resources WHERE kind = ? AND name = ? AND tenant_id = ?", kind, name, tenantId);
	}

	/** One owned resource. */
	public record Resource(String kind, String name) {
	}

}
