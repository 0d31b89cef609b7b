package io.tenantforge.database;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.Tier;

/**
 * The {@code tenant_*} roles and schemas of the tenants database as one catalog query saw
 * them, and how each differs from what the database step makes.
 */
public record DatabaseCatalog(Map<String, Role> roles, Map<String, Schema> schemas) {

	/**
	 * @param mark its comment: {@code managed-by=tenantforge tenant=<slug>} when
	 * tenantforge made it
	 * @param canConnect whether it may connect to the tenants database (granted, not
	 * through PUBLIC)
	 */
	public record Role(String name, String mark, boolean canLogin, int connectionLimit, boolean canConnect) {
	}

	/**
	 * @param publicAccess whether PUBLIC has any privilege on it
	 * @param ownerPrivileges whether its owner still has USAGE and CREATE on it
	 */
	public record Schema(String name, String mark, String owner, boolean publicAccess, boolean ownerPrivileges) {
	}

	/** The tenant a role's or schema's mark names, when tenantforge made it. */
	public static Optional<String> markedFor(String mark) {
		return mark != null && mark.startsWith(TenantDatabaseProvisioner.OWNER_MARK)
				? Optional.of(mark.substring(TenantDatabaseProvisioner.OWNER_MARK.length())) : Optional.empty();
	}

	/**
	 * How the tenant's role and schema differ from what the database step makes; empty
	 * when they do not.
	 */
	public List<String> drift(String tenantId, TenantNames names, Tier tier, String databaseName) {
		List<String> drift = new ArrayList<>();
		Role role = roles.get(names.databaseRole());
		if (role == null) {
			drift.add("role " + names.databaseRole() + " missing");
		}
		else {
			if (!markedFor(role.mark()).map(tenantId::equals).orElse(false)) {
				drift.add("role " + role.name() + " is not marked as the tenant's");
			}
			if (!role.canLogin()) {
				drift.add("role " + role.name() + " may not log in");
			}
			if (!role.canConnect()) {
				drift.add("role " + role.name() + " lost CONNECT on database " + databaseName);
			}
			if (role.connectionLimit() != tier.postgresConnectionLimit()) {
				drift.add("role " + role.name() + " connection limit " + role.connectionLimit() + " (tier "
						+ tier.postgresConnectionLimit() + ")");
			}
		}
		Schema schema = schemas.get(names.databaseSchema());
		if (schema == null) {
			drift.add("schema " + names.databaseSchema() + " missing");
		}
		else {
			if (!names.databaseRole().equals(schema.owner())) {
				drift.add("schema " + schema.name() + " owned by " + schema.owner());
			}
			if (schema.publicAccess()) {
				drift.add("schema " + schema.name() + " grants privileges to PUBLIC");
			}
			if (!schema.ownerPrivileges()) {
				drift.add("schema " + schema.name() + " lost USAGE or CREATE of its owner");
			}
		}
		return drift;
	}

}
