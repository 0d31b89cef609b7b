package io.tenantforge.support;

/**
 * The services the control plane calls, as the health sweep's report counts them
 * ({@link CallScope}): each gateway records its calls under its own.
 */
public enum Gateway {

	/** The Docker engine (docker driver: every HTTP request; Swarm: every API call). */
	ENGINE,

	/** The tenants database: statements executed on the admin pool. */
	TENANTS_DATABASE,

	/** The control plane's own database: statements executed on its pool. */
	CONTROL_PLANE_DATABASE,

	/** Redis admin commands (ACL, SCAN, UNLINK). */
	REDIS,

	/** {@code /health} requests to tenants. */
	HEALTH_PROBE

}
