package io.tenantforge.tenant;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The kinds of resource tenantforge makes for a tenant: what the ownership record
 * ({@link ResourceLedger}) stores and the sweeps report orphans of. Each is stored, shown
 * in JSON and in metric labels by its {@link #id()} ({@code container},
 * {@code database-role}, ...), which is also its {@code toString()}.
 */
public enum ResourceKind {

	DATABASE_ROLE("database-role"),

	DATABASE_SCHEMA("database-schema"),

	REDIS_USER("redis-user"),

	CONTAINER("container"),

	SECRET_DIR("secret-dir"),

	/** A tenant's own Docker network (isolated network mode). */
	NETWORK("network"),

	/** A tenant's route in the router. */
	ROUTER_ROUTE("router-route"),

	/**
	 * A Swarm secret labelled as a tenant's: not in the ownership record, reported only.
	 */
	SWARM_SECRET("swarm-secret"),

	/**
	 * A Swarm network labelled as a tenant's: not in the ownership record, reported only.
	 */
	SWARM_NETWORK("swarm-network");

	private final String id;

	ResourceKind(String id) {
		this.id = id;
	}

	/** The kind as stored and shown, e.g. {@code database-role}. */
	@JsonValue
	public String id() {
		return id;
	}

	/** The kind stored or shown as {@code id}; empty when this version knows none. */
	public static Optional<ResourceKind> find(String id) {
		return Arrays.stream(values()).filter(kind -> kind.id.equals(id)).findFirst();
	}

	/** The kind stored or shown as {@code id}; an unknown one is refused. */
	@JsonCreator
	public static ResourceKind of(String id) {
		return find(id).orElseThrow(() -> new IllegalArgumentException("unknown resource kind " + id));
	}

	@Override
	public String toString() {
		return id;
	}

}
