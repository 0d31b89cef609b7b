package io.tenantforge.tenant;

import java.time.Instant;

/**
 * One observed fact about a tenant, Kubernetes style.
 *
 * @param type DatabaseReady, CacheReady, ContainerReady or Healthy
 * @param status "True", "False" or "Unknown"
 */
public record Condition(String type, String status, String reason, String message, Instant lastTransitionTime) {

	public static final String DATABASE_READY = "DatabaseReady";

	public static final String CACHE_READY = "CacheReady";

	public static final String CONTAINER_READY = "ContainerReady";

	public static final String HEALTHY = "Healthy";

	public static Condition isTrue(String type, String reason, String message) {
		return new Condition(type, "True", reason, message, Instant.now());
	}

	public static Condition isFalse(String type, String reason, String message) {
		return new Condition(type, "False", reason, message, Instant.now());
	}

	public static Condition unknown(String type) {
		return new Condition(type, "Unknown", "Pending", "not yet observed", Instant.now());
	}

}
