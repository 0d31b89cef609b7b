package io.tenantforge.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.Sha256;

/**
 * The Swarm service of a tenant, in the Engine API's JSON (API 1.41), from its
 * {@link ContainerSpec}: one replica (0 while suspended), the tier's limits and
 * reservations (pids included), the secrets as Docker secrets mounted as files under
 * {@code /run/secrets} with the same names, owner and mode as the docker driver's files,
 * the ownership labels, the health check, restart policy, update order and placement.
 * Pure: no I/O; also reads back how a service the engine holds differs from what it
 * should be ({@link #drift}).
 * <p>
 * What API 1.41 cannot say for a service, and the docker driver sets: swap (a service has
 * no MemorySwap; the engine's default applies), CPU shares (a service reserves CPU for
 * real instead), no-new-privileges (services gained it in API 1.44), a tmpfs owned by the
 * tenant's uid (tmpfs mounts take size and mode only: mode 1777).
 */
public final class SwarmServiceSpec {

	/** Label of a tenant secret: which file under /run/secrets it is. */
	public static final String LABEL_SECRET_FILE = "io.tenantforge.secret-file";

	/**
	 * Label of a task container: the service it belongs to (task containers carry no
	 * managed-by label).
	 */
	public static final String LABEL_SERVICE = "io.tenantforge.service";

	private static final long SECOND = 1_000_000_000L;

	private SwarmServiceSpec() {
	}

	/**
	 * A secret of the tenant as a Swarm secret: its name changes with its content (Swarm
	 * secrets are immutable).
	 */
	public record SecretRef(String file, String name, String id) {
	}

	/**
	 * The name of the Swarm secret holding {@code content} as {@code file} for the
	 * tenant.
	 */
	public static String secretName(ContainerSpec spec, String file, String content) {
		return spec.name() + "-" + Sha256.hex(spec.name() + "\n" + file + "\n" + content).substring(0, 12);
	}

	/**
	 * Placement constraints of the tenant's tier: {@code node.labels.K==V} for each node
	 * label it requires.
	 */
	public static List<String> constraints(ContainerSpec spec) {
		return spec.nodeLabels()
			.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey())
			.map(e -> "node.labels." + e.getKey() + "==" + e.getValue())
			.toList();
	}

	/**
	 * The update order to use: start-first as configured, except on the host network
	 * unless allowed.
	 */
	public static String updateOrder(RuntimeProperties.Swarm swarm) {
		boolean hostNetwork = "host".equals(swarm.getNetwork());
		if (hostNetwork && !swarm.isStartFirstOnHostNetwork()) {
			// two tasks of one tenant cannot both bind its port on one node's network
			return "stop-first";
		}
		return swarm.getUpdateOrder();
	}

	public static Map<String, Object> desired(ContainerSpec spec, RuntimeProperties.Swarm swarm,
			List<SecretRef> secrets, int replicas, long forceUpdate) {
		Map<String, Object> containerSpec = new LinkedHashMap<>();
		containerSpec.put("Image", spec.image());
		Map<String, String> taskLabels = new LinkedHashMap<>(spec.labels());
		taskLabels.remove(ContainerSpecs.LABEL_MANAGED_BY); // the docker driver's list
															// must not take them for its
															// own
		taskLabels.put(LABEL_SERVICE, spec.name());
		containerSpec.put("Labels", taskLabels);
		containerSpec.put("Env", spec.env());
		containerSpec.put("User", spec.user().spec());
		containerSpec.put("ReadOnly", true);
		containerSpec.put("CapabilityDrop", List.of("ALL"));
		containerSpec.put("Mounts", List.of(Map.of("Type", "tmpfs", "Target", "/tmp", "TmpfsOptions",
				Map.of("SizeBytes", bytes(spec.tmpfsSize()), "Mode", 01777))));
		List<Map<String, Object>> secretRefs = new ArrayList<>();
		for (SecretRef secret : secrets) {
			secretRefs.add(Map.of("SecretID", secret.id(), "SecretName", secret.name(), "File",
					Map.of("Name", secret.file(), "UID", Integer.toString(spec.user().uid()), "GID",
							Integer.toString(spec.user().gid()), "Mode", 0400)));
		}
		containerSpec.put("Secrets", secretRefs);
		containerSpec.put("HealthCheck",
				Map.of("Test", spec.health().command(), "Interval", spec.health().interval().toNanos(), "Timeout",
						spec.health().timeout().toNanos(), "Retries", spec.health().retries(), "StartPeriod",
						spec.health().startPeriod().toNanos()));
		containerSpec.put("StopGracePeriod", 10 * SECOND);

		ContainerSpec.Limits limits = spec.limits();
		Map<String, Object> reservations = new LinkedHashMap<>();
		reservations.put("NanoCPUs", limits.nanoCpuReservation());
		reservations.put("MemoryBytes", limits.memoryReservationBytes());
		if (swarm.getMaxTenantsPerNode() > 0) {
			reservations.put("GenericResources",
					List.of(Map.of("DiscreteResourceSpec", Map.of("Kind", swarm.getSlotResource(), "Value", 1))));
		}
		Map<String, Object> resources = Map.of("Limits",
				Map.of("NanoCPUs", limits.nanoCpus(), "MemoryBytes", limits.memoryBytes(), "Pids", limits.pids()),
				"Reservations", reservations);

		Map<String, Object> placement = new LinkedHashMap<>();
		placement.put("Constraints", constraints(spec));
		placement.put("Preferences", List.of(Map.of("Spread", Map.of("SpreadDescriptor", "node.id"))));

		Map<String, Object> task = new LinkedHashMap<>();
		task.put("ContainerSpec", containerSpec);
		task.put("Resources", resources);
		task.put("RestartPolicy", Map.of("Condition", "any", "Delay", 5 * SECOND, "MaxAttempts", 0));
		task.put("Placement", placement);
		task.put("Networks", List.of(Map.of("Target", swarm.getNetwork())));
		task.put("LogDriver", Map.of("Name", "json-file", "Options",
				Map.of("max-size", spec.logMaxSize(), "max-file", Integer.toString(spec.logMaxFiles()))));
		task.put("ForceUpdate", forceUpdate);

		Map<String, Object> service = new LinkedHashMap<>();
		service.put("Name", spec.name());
		service.put("Labels", spec.labels());
		service.put("TaskTemplate", task);
		service.put("Mode", Map.of("Replicated", Map.of("Replicas", replicas)));
		service.put("UpdateConfig",
				Map.of("Parallelism", 1, "Order", updateOrder(swarm), "FailureAction", "pause", "Monitor", 5 * SECOND));
		return service;
	}

	/**
	 * How a service's spec (as the engine returns it) differs from the spec it should
	 * have: limits, reservations, pids, image. Replicas are the lifecycle's business (0
	 * while suspended), not drift.
	 */
	public static Optional<String> drift(JsonNode serviceSpec, ContainerSpec spec) {
		return drift(serviceSpec, spec.image(), spec.limits());
	}

	/**
	 * As {@link #drift(JsonNode, ContainerSpec)}, against an image and a tier's limits.
	 */
	public static Optional<String> drift(JsonNode serviceSpec, String expectedImage, ContainerSpec.Limits expected) {
		List<String> drift = new ArrayList<>();
		JsonNode task = serviceSpec.path("TaskTemplate");
		String image = task.path("ContainerSpec").path("Image").asText("");
		// the engine may pin a digest to the tag it was given: compare what was asked for
		String imageAsked = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
		if (!imageAsked.equals(expectedImage)) {
			drift.add("image " + imageAsked + " (expected " + expectedImage + ")");
		}
		JsonNode limits = task.path("Resources").path("Limits");
		JsonNode reservations = task.path("Resources").path("Reservations");
		differs(drift, "cpus (nano)", limits.path("NanoCPUs"), expected.nanoCpus());
		differs(drift, "memory", limits.path("MemoryBytes"), expected.memoryBytes());
		differs(drift, "pids limit", limits.path("Pids"), expected.pids());
		differs(drift, "cpu reservation (nano)", reservations.path("NanoCPUs"), expected.nanoCpuReservation());
		differs(drift, "memory reservation", reservations.path("MemoryBytes"), expected.memoryReservationBytes());
		return drift.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", drift));
	}

	/**
	 * A size as Docker writes it ({@code 16m}, {@code 512k}, {@code 1g}, plain bytes) in
	 * bytes.
	 */
	static long bytes(String size) {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\\s*(\\d+)\\s*([kmg]?)b?\\s*").matcher(size);
		if (!m.matches()) {
			throw new io.tenantforge.support.StepFailedException("not a size: '" + size + "' (e.g. 16m)");
		}
		long value = Long.parseLong(m.group(1));
		return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
			case "k" -> value << 10;
			case "m" -> value << 20;
			case "g" -> value << 30;
			default -> value;
		};
	}

	private static void differs(List<String> drift, String what, JsonNode actual, long expected) {
		if (!actual.canConvertToLong() || actual.asLong() != expected) {
			drift.add(what + " " + (actual.isMissingNode() ? "unset" : actual.asText()) + " (tier " + expected + ")");
		}
	}

}
