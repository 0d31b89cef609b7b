package io.tenantforge.tenant;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One observed fact about a tenant, Kubernetes style.
 *
 * @param type DatabaseReady, CacheReady, ContainerReady or Healthy
 * @param status True, False or Unknown (written as Kubernetes writes them:
 * {@code "True"}, {@code "False"}, {@code "Unknown"})
 */
public record Condition(String type, Status status, String reason, String message, Instant lastTransitionTime) {

	public static final String DATABASE_READY = "DatabaseReady";

	public static final String CACHE_READY = "CacheReady";

	public static final String CONTAINER_READY = "ContainerReady";

	public static final String HEALTHY = "Healthy";

	/**
	 * Whether the condition holds; in JSON (API, stored conditions) the Kubernetes words.
	 */
	public enum Status {

		TRUE("True"), FALSE("False"), UNKNOWN("Unknown");

		private final String json;

		Status(String json) {
			this.json = json;
		}

		@JsonValue
		public String json() {
			return json;
		}

		@JsonCreator
		public static Status of(String json) {
			for (Status status : values()) {
				if (status.json.equals(json)) {
					return status;
				}
			}
			throw new IllegalArgumentException("not a condition status: " + json);
		}

	}

	public static Condition isTrue(String type, String reason, String message) {
		return new Condition(type, Status.TRUE, reason, message, Instant.now());
	}

	public static Condition isFalse(String type, String reason, String message) {
		return new Condition(type, Status.FALSE, reason, message, Instant.now());
	}

	public static Condition unknown(String type) {
		return new Condition(type, Status.UNKNOWN, "Pending", "not yet observed", Instant.now());
	}

}
