package io.tenantforge.tenant;

import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.bind.ConstructorBinding;

import org.springframework.util.unit.DataSize;

/**
 * The resources and limits of one tier, from {@code config/tiers.yaml}.
 *
 * @param cpus CPU limit in cores (Docker NanoCpus)
 * @param memory memory limit (swap is set equal: no swap)
 * @param cpuReservation guaranteed share in cores; Docker without Swarm has only relative
 * CPU shares, so it becomes {@code CpuShares = 1024 * cpuReservation}
 * @param memoryReservation soft memory limit (Docker MemoryReservation)
 * @param pidsLimit maximum processes in the container
 * @param postgresConnectionLimit connection limit of the tenant's login role
 * @param postgresStatementTimeout statement_timeout of the tenant's login role
 * @param healthStartPeriod how long a new container may take to answer /health
 * @param runtimeUser {@code uid:gid} the tier's containers run as; null for
 * {@code tenantforge.runtime.user}
 * @param nodeLabels node labels a node must carry to run the tier's tenants (Swarm
 * driver: placement constraints {@code node.labels.K==V}); empty for any node
 */
public record Tier(double cpus, DataSize memory, double cpuReservation, DataSize memoryReservation, long pidsLimit,
		int postgresConnectionLimit, Duration postgresStatementTimeout, Duration healthStartPeriod, String runtimeUser,
		Map<String, String> nodeLabels) {

	@ConstructorBinding
	public Tier {
		nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
	}

	/** A tier without node labels (any node may run it). */
	public Tier(double cpus, DataSize memory, double cpuReservation, DataSize memoryReservation, long pidsLimit,
			int postgresConnectionLimit, Duration postgresStatementTimeout, Duration healthStartPeriod,
			String runtimeUser) {
		this(cpus, memory, cpuReservation, memoryReservation, pidsLimit, postgresConnectionLimit,
				postgresStatementTimeout, healthStartPeriod, runtimeUser, Map.of());
	}

	/**
	 * The user the tier's containers run as: the tier's own, else the control plane's
	 * default.
	 */
	public String runtimeUserOr(String fallback) {
		return runtimeUser == null || runtimeUser.isBlank() ? fallback : runtimeUser;
	}

	public long nanoCpus() {
		return Math.round(cpus * 1_000_000_000L);
	}

	public int cpuShares() {
		return (int) Math.max(2, Math.round(1024 * cpuReservation));
	}

}
