package io.tenantforge.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a tenant's container (or Swarm service) should be, whatever engine runs it:
 * derived from the tenant and its tier alone ({@link ContainerSpecs#desired}), no I/O.
 * Both drivers translate this one record into their engine's terms, so the environment,
 * limits, labels, health check and hardening are written once.
 *
 * @param name the container's (or service's) name
 * @param image the product image
 * @param user the unprivileged user it runs as
 * @param env the environment of DESIGN.md: names and addresses, secrets only as file
 * paths
 * @param labels the ownership labels (tenant, managed-by, tier)
 * @param limits the tier's limits and reservations
 * @param health the engine's own health check
 * @param secretFiles file name under {@link SecretFiles#MOUNT_POINT} → the tenant secret
 * it holds
 * @param port the port the tenant serves on
 * @param tmpfsSize size of the writable {@code /tmp} of the read-only root filesystem
 * @param nodeLabels node labels a node must carry to run the tenant (the tier's
 * {@code node-labels}; Swarm only)
 */
public record ContainerSpec(String name, String image, RuntimeUser user, List<String> env, Map<String, String> labels,
		Limits limits, Health health, Map<String, String> secretFiles, int port, String tmpfsSize, String logMaxSize,
		int logMaxFiles, Map<String, String> nodeLabels) {

	/**
	 * The tier's resources in engine units.
	 *
	 * @param cpuShares plain Docker's relative reservation
	 * ({@code 1024 x cpu-reservation}); Swarm reserves {@link #nanoCpuReservation} for
	 * real
	 */
	public record Limits(long nanoCpus, long memoryBytes, long nanoCpuReservation, long memoryReservationBytes,
			int cpuShares, long pids) {
	}

	/** The engine's health check: command with the port filled in, and its timing. */
	public record Health(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod) {
	}

}
