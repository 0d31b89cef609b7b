package io.tenantforge.tenant;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The ownership record: which role, schema, ACL user, container, network and secret
 * folder belong to which tenant. A resource is claimed here <em>before</em> it is
 * created, so after a crash the record still knows it, and only what is recorded for a
 * tenant may ever be removed on its behalf. Kinds are {@link ResourceKind}s, stored by
 * their {@link ResourceKind#id() id}.
 */
@Repository
public class ResourceLedger {

	private final JdbcTemplate jdbc;

	public ResourceLedger(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Records that {@code tenantId} owns the resource, unless someone else does. True
	 * when the tenant owns it now (just claimed or claimed before), false when another
	 * tenant's record holds it.
	 */
	public boolean claim(String tenantId, ResourceKind kind, String name) {
		jdbc.update("INSERT INTO tenant_resources (kind, name, tenant_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
				kind.id(), name, tenantId);
		return owner(kind, name).map(tenantId::equals).orElse(false);
	}

	public Optional<String> owner(ResourceKind kind, String name) {
		return jdbc
			.queryForList("SELECT tenant_id FROM tenant_resources WHERE kind = ? AND name = ?", String.class, kind.id(),
					name)
			.stream()
			.findFirst();
	}

	/** Whether the record gives the resource to this tenant. */
	public boolean owns(String tenantId, ResourceKind kind, String name) {
		return owner(kind, name).map(tenantId::equals).orElse(false);
	}

	public List<Resource> ownedBy(String tenantId) {
		return jdbc.query("SELECT kind, name FROM tenant_resources WHERE tenant_id = ? ORDER BY created_at",
				(rs, i) -> new Resource(ResourceKind.of(rs.getString(1)), rs.getString(2)), tenantId);
	}

	/**
	 * The whole record, by kind and name: what the health sweep checks orphans against (a
	 * row of a kind this version does not know is left out: it has no orphans of it).
	 */
	public java.util.Map<Resource, String> all() {
		java.util.Map<Resource, String> owners = new java.util.HashMap<>();
		jdbc.query("SELECT kind, name, tenant_id FROM tenant_resources", rs -> {
			Optional<ResourceKind> kind = ResourceKind.find(rs.getString(1));
			if (kind.isPresent()) {
				owners.put(new Resource(kind.get(), rs.getString(2)), rs.getString(3));
			}
		});
		return owners;
	}

	/** Forgets a resource once it is observed gone. */
	public void release(String tenantId, ResourceKind kind, String name) {
		jdbc.update("DELETE FROM tenant_resources WHERE kind = ? AND name = ? AND tenant_id = ?", kind.id(), name,
				tenantId);
	}

	/** One owned resource. */
	public record Resource(ResourceKind kind, String name) {
	}

}
