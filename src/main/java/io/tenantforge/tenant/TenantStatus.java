package io.tenantforge.tenant;

/** Where a tenant stands (API contract). */
public enum TenantStatus {

	PENDING, PROVISIONING, ACTIVE, DEGRADED, SUSPENDED, FAILED, DEPROVISIONING, DELETED

}
