package io.tenantforge.runtime;

import java.util.Locale;

/**
 * A container labelled as managed by tenantforge, as one labelled container list shows
 * it.
 *
 * @param id the engine's container id
 * @param name the container's name, without Docker's leading slash
 * @param tenant the value of its tenant label (may name no tenant: an orphan)
 * @param state the engine's state: created, running, paused, restarting, exited, dead
 * @param status the engine's status line, e.g. "Up 3 minutes (unhealthy)"
 * @param networkMode the engine's network mode, e.g. {@code host} or the tenant's own
 * network
 * @param node the host name of the node it runs on (Swarm); null on a single engine
 * @param drift how its spec differs from its tier, when the driver saw that in the same
 * list (Swarm); null if not known from the list or as the tier says
 */
public record ManagedContainer(String id, String name, String tenant, String state, String status, String networkMode,
		String node, String drift) {

	/** A container of one engine, as the docker driver's list shows it. */
	public ManagedContainer(String id, String name, String tenant, String state, String status, String networkMode) {
		this(id, name, tenant, state, status, networkMode, null, null);
	}

	/** On the host's network: it reaches every loopback service of the engine host. */
	public boolean onHostNetwork() {
		return "host".equals(networkMode);
	}

	public boolean running() {
		return "running".equals(state);
	}

	/** Docker's own health check has marked it unhealthy. */
	public boolean unhealthy() {
		return status != null && status.toLowerCase(Locale.ROOT).contains("(unhealthy)");
	}

}
