package io.tenantforge.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStore;

import org.springframework.stereotype.Component;

/**
 * Gives each tenant a loopback port of its own, recorded in the tenant's row (unique), so
 * a restarted control plane and a recreated container keep the same endpoint.
 */
@Component
public class PortAllocator {

	private final TenantStore store;

	private final RuntimeProperties properties;

	public PortAllocator(TenantStore store, RuntimeProperties properties) {
		this.store = store;
		this.properties = properties;
	}

	public int portOf(Tenant tenant) {
		if (tenant.port() != null) {
			return tenant.port();
		}
		Set<Integer> taken = new HashSet<>(store.assignedPorts());
		for (int port = properties.getPortRangeStart(); port <= properties.getPortRangeEnd(); port++) {
			if (taken.contains(port) || !freeOnLoopback(port)) {
				continue;
			}
			if (store.assignPort(tenant.id(), port)) {
				return port;
			}
			Integer assigned = store.find(tenant.id()).map(Tenant::port).orElse(null);
			if (assigned != null) {
				return assigned; // another reconciler of this tenant got there first
			}
		}
		throw new StepFailedException(
				"no free port left in " + properties.getPortRangeStart() + "-" + properties.getPortRangeEnd());
	}

	/**
	 * A port for a rollout's candidate container: in the range, held by no tenant, none
	 * of {@code reserved} (other candidates'), and free on loopback now. Recorded by the
	 * caller before the container is created.
	 */
	public int sparePort(java.util.Collection<Integer> reserved) {
		Set<Integer> taken = new HashSet<>(store.assignedPorts());
		taken.addAll(reserved);
		for (int port = properties.getPortRangeStart(); port <= properties.getPortRangeEnd(); port++) {
			if (!taken.contains(port) && freeOnLoopback(port)) {
				return port;
			}
		}
		throw new StepFailedException("no free port left in " + properties.getPortRangeStart() + "-"
				+ properties.getPortRangeEnd() + " for a rollout's new container");
	}

	private static boolean freeOnLoopback(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			return true;
		}
		catch (IOException inUse) {
			return false;
		}
	}

}
