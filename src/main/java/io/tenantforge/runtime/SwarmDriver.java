package io.tenantforge.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.runtime.SwarmServiceSpec.SecretRef;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

/**
 * The {@code swarm} driver: each tenant is a single-replica Swarm service named and
 * labelled like the docker driver's container ({@link SwarmServiceSpec}), its secrets
 * Docker secrets mounted as files at {@code /run/secrets}. Suspend scales to 0, resume to
 * 1, a tier change updates the service (never a new one), delete removes the service and
 * its secrets; names are claimed in the ownership ledger before anything is made, and
 * nothing without this tenant's labels is ever touched. The fleet is observed with three
 * calls whatever its size: one service list, one task list, one node list.
 */
public class SwarmDriver implements TenantRuntime {

	private static final Logger log = LoggerFactory.getLogger(SwarmDriver.class);

	private static final Set<String> PLACED = Set.of("assigned", "accepted", "preparing", "ready", "starting",
			"running");

	private static final Set<String> FAILED = Set.of("failed", "rejected");

	private static final Set<String> RUNNING = Set.of("running", "starting");

	private final SwarmEngine engine;

	private final RuntimeProperties runtime;

	private final ContainerSpecs specs;

	private final PortAllocator ports;

	private final TenantSecrets secrets;

	private final ResourceLedger ledger;

	private final TierCatalog tiers;

	public SwarmDriver(SwarmEngine engine, RuntimeProperties runtime, TenantServiceUrls urls, PortAllocator ports,
			TenantSecrets secrets, ResourceLedger ledger, TierCatalog tiers) {
		this.engine = engine;
		this.runtime = runtime;
		this.specs = new ContainerSpecs(runtime, urls);
		this.ports = ports;
		this.secrets = secrets;
		this.ledger = ledger;
		this.tiers = tiers;
	}

	public SwarmEngine engine() {
		return engine;
	}

	@Override
	public int ensure(Tenant tenant, Tier tier) {
		TenantNames names = tenant.names();
		int port = ports.portOf(tenant);
		ContainerSpec spec = specs.desired(tenant, tier, port);
		Optional<JsonNode> existing = engine.service(spec.name());
		if (existing.isPresent() && !isOurs(existing.get(), tenant)
				&& ledger.owner(ResourceKind.CONTAINER, names.containerName()).isEmpty()) {
			throw notOurs(spec.name(), tenant);
		}
		claim(tenant.id(), ResourceKind.SECRET_DIR, names.slug());
		claim(tenant.id(), ResourceKind.CONTAINER, names.containerName());
		List<SecretRef> refs = ensureSecrets(tenant, spec);
		if (existing.isEmpty()) {
			try {
				String id = engine.createService(SwarmServiceSpec.desired(spec, runtime.getSwarm(), refs, 1, 0));
				log.info("Created service {} ({}) from {}", spec.name(), id, spec.image());
			}
			catch (SwarmEngine.Conflict createdMeanwhile) {
				existing = engine.service(spec.name());
			}
		}
		if (existing.isPresent()) {
			JsonNode service = existing.get();
			if (!isOurs(service, tenant)) {
				throw notOurs(spec.name(), tenant);
			}
			Optional<String> change = changeNeeded(service.path("Spec"), spec, refs);
			if (change.isPresent()) {
				long force = service.path("Spec").path("TaskTemplate").path("ForceUpdate").asLong(0);
				engine.updateService(service.path("ID").asText(), service.path("Version").path("Index").asLong(),
						SwarmServiceSpec.desired(spec, runtime.getSwarm(), refs, 1, force));
				log.info("Updated service {} in place: {}", spec.name(), change.get());
			}
		}
		removeStaleSecrets(tenant, refs);
		awaitPlacement(spec.name());
		return port;
	}

	/**
	 * What an existing service needs changed to become the desired one; empty when it is
	 * as it should be.
	 */
	static Optional<String> changeNeeded(JsonNode current, ContainerSpec spec, List<SecretRef> refs) {
		List<String> changes = new ArrayList<>();
		SwarmServiceSpec.drift(current, spec).ifPresent(changes::add);
		if (current.path("Mode").path("Replicated").path("Replicas").asLong(-1) != 1) {
			changes.add("replicas " + current.path("Mode").path("Replicated").path("Replicas").asText("?")
					+ " (expected 1)");
		}
		JsonNode container = current.path("TaskTemplate").path("ContainerSpec");
		Set<String> secretNames = new HashSet<>();
		container.path("Secrets").forEach(s -> secretNames.add(s.path("SecretName").asText()));
		if (!secretNames.equals(new HashSet<>(refs.stream().map(SecretRef::name).toList()))) {
			changes.add("secrets");
		}
		List<String> env = new ArrayList<>();
		container.path("Env").forEach(e -> env.add(e.asText()));
		if (!env.equals(spec.env())) {
			changes.add("environment");
		}
		if (!spec.labels()
			.get(ContainerSpecs.LABEL_TIER)
			.equals(current.path("Labels").path(ContainerSpecs.LABEL_TIER).asText())) {
			changes.add("tier label");
		}
		List<String> constraints = new ArrayList<>();
		current.path("TaskTemplate").path("Placement").path("Constraints").forEach(c -> constraints.add(c.asText()));
		if (!constraints.equals(SwarmServiceSpec.constraints(spec))) {
			changes.add("placement constraints");
		}
		return changes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", changes));
	}

	/**
	 * The tenant's secrets as Swarm secrets, created when missing: one list of the
	 * tenant's secrets, a create for each missing one. A secret's name carries a digest
	 * of its content, so a rotated secret is a new one.
	 */
	private List<SecretRef> ensureSecrets(Tenant tenant, ContainerSpec spec) {
		Map<String, String> existing = new HashMap<>();
		for (JsonNode secret : engine.secrets(tenantLabels(tenant))) {
			existing.put(secret.path("Spec").path("Name").asText(), secret.path("ID").asText());
		}
		List<SecretRef> refs = new ArrayList<>();
		for (Map.Entry<String, String> file : spec.secretFiles().entrySet()) {
			String content = secrets.getOrCreate(tenant.id(), file.getValue());
			String name = SwarmServiceSpec.secretName(spec, file.getKey(), content);
			String id = existing.get(name);
			if (id == null) {
				Map<String, String> labels = new LinkedHashMap<>(ContainerSpecs.labels(tenant));
				labels.put(SwarmServiceSpec.LABEL_SECRET_FILE, file.getKey());
				try {
					id = engine
						.createSecret(Map.of("Name", name, "Labels", labels, "Data", java.util.Base64.getEncoder()
							.encodeToString(content.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
				}
				catch (SwarmEngine.Conflict createdMeanwhile) {
					throw new RetryableException("secret " + name + " created meanwhile by another reconciler");
				}
			}
			refs.add(new SecretRef(file.getKey(), name, id));
		}
		return refs;
	}

	/**
	 * Secrets of the tenant the service no longer refers to (a rotated secret's former
	 * content).
	 */
	private void removeStaleSecrets(Tenant tenant, List<SecretRef> refs) {
		Set<String> wanted = new HashSet<>(refs.stream().map(SecretRef::id).toList());
		for (JsonNode secret : engine.secrets(tenantLabels(tenant))) {
			String id = secret.path("ID").asText();
			if (!wanted.contains(id)) {
				removeSecret(secret);
			}
		}
	}

	private void removeSecret(JsonNode secret) {
		try {
			engine.removeSecret(secret.path("ID").asText());
		}
		catch (StepFailedException inUse) {
			// still referred to by a service being replaced: the next reconcile removes
			// it
			throw new RetryableException(
					"secret " + secret.path("Spec").path("Name").asText() + " not removable yet: " + inUse.getMessage(),
					inUse);
		}
	}

	/**
	 * Waits, bounded, for the scheduler's first word on the service's task: placed on a
	 * node, or pending because no node qualifies ({@link UnschedulableException}, with
	 * the scheduler's own reason).
	 */
	private void awaitPlacement(String service) {
		long deadline = System.nanoTime() + runtime.getSwarm().getPlacementWait().toNanos();
		String lastPending = null;
		do {
			Optional<JsonNode> task = current(engine.tasks(service));
			if (task.isPresent()) {
				String state = task.get().path("Status").path("State").asText();
				String err = task.get().path("Status").path("Err").asText("");
				if (PLACED.contains(state)) {
					return;
				}
				if ("pending".equals(state) && err.contains("no suitable node")) {
					lastPending = err;
				}
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
		}
		while (System.nanoTime() < deadline);
		if (lastPending != null) {
			throw new UnschedulableException("service " + service + " waits for a node: " + lastPending);
		}
	}

	/** The task that should be running: the newest with desired state running. */
	private static Optional<JsonNode> current(List<JsonNode> tasks) {
		return tasks.stream()
			.filter(t -> "running".equals(t.path("DesiredState").asText()))
			.max(Comparator.comparing((JsonNode t) -> t.path("Version").path("Index").asLong()));
	}

	@Override
	public void stop(Tenant tenant) {
		engine.service(tenant.names().containerName()).filter(s -> isOurs(s, tenant)).ifPresent(service -> {
			ObjectNode spec = (ObjectNode) service.path("Spec").deepCopy();
			if (spec.path("Mode").path("Replicated").path("Replicas").asLong() == 0) {
				return;
			}
			((ObjectNode) spec.with("Mode").with("Replicated")).put("Replicas", 0);
			engine.updateService(service.path("ID").asText(), service.path("Version").path("Index").asLong(), spec);
			log.info("Scaled service {} to 0", tenant.names().containerName());
		});
	}

	@Override
	public void remove(Tenant tenant) {
		TenantNames names = tenant.names();
		if (ledger.owns(tenant.id(), ResourceKind.CONTAINER, names.containerName())) {
			Optional<JsonNode> service = engine.service(names.containerName()).filter(s -> isOurs(s, tenant));
			if (service.isPresent()) {
				engine.removeService(service.get().path("ID").asText());
				log.info("Removed service {}", names.containerName());
			}
			if (engine.service(names.containerName()).filter(s -> isOurs(s, tenant)).isPresent()) {
				throw new RetryableException("service " + names.containerName() + " still exists");
			}
			ledger.release(tenant.id(), ResourceKind.CONTAINER, names.containerName());
		}
		if (ledger.owns(tenant.id(), ResourceKind.SECRET_DIR, names.slug())) {
			for (JsonNode secret : engine.secrets(tenantLabels(tenant))) {
				removeSecret(secret);
			}
			ledger.release(tenant.id(), ResourceKind.SECRET_DIR, names.slug());
		}
	}

	/**
	 * The fleet in three calls: every service labelled as tenantforge's, every task,
	 * every node. Each service becomes one {@link ManagedContainer}: running when its
	 * current task runs, with the node it runs on, its drift from its tier, and
	 * "(unhealthy)" in its status when its tasks keep failing.
	 */
	@Override
	public List<ManagedContainer> listManaged() {
		List<JsonNode> services = engine.services(Map.of(ContainerSpecs.LABEL_MANAGED_BY, ContainerSpecs.MANAGED_BY));
		List<JsonNode> tasks = engine.tasks(null);
		Map<String, String> nodeNames = new HashMap<>();
		for (JsonNode node : engine.nodes()) {
			// hostname and id: nodes may share a hostname (and containers on one machine
			// do)
			String id = node.path("ID").asText();
			nodeNames.put(id, node.path("Description").path("Hostname").asText() + " ("
					+ id.substring(0, Math.min(12, id.length())) + ")");
		}
		Map<String, List<JsonNode>> tasksByService = new HashMap<>();
		for (JsonNode task : tasks) {
			tasksByService.computeIfAbsent(task.path("ServiceID").asText(), id -> new ArrayList<>()).add(task);
		}
		List<ManagedContainer> fleet = new ArrayList<>();
		for (JsonNode service : services) {
			fleet.add(observe(service, tasksByService.getOrDefault(service.path("ID").asText(), List.of()), nodeNames));
		}
		return fleet;
	}

	private ManagedContainer observe(JsonNode service, List<JsonNode> tasks, Map<String, String> nodeNames) {
		JsonNode spec = service.path("Spec");
		String name = spec.path("Name").asText();
		String tenant = spec.path("Labels").path(ContainerSpecs.LABEL_TENANT).asText("");
		long replicas = spec.path("Mode").path("Replicated").path("Replicas").asLong(-1);
		Optional<JsonNode> task = current(tasks);
		String state;
		String node = null;
		StringBuilder status = new StringBuilder();
		if (replicas == 0) {
			state = "exited";
			status.append("scaled to 0");
		}
		else if (task.isEmpty()) {
			state = "created";
			status.append("no task yet");
		}
		else {
			String taskState = task.get().path("Status").path("State").asText();
			node = nodeNames.get(task.get().path("NodeID").asText());
			// starting: the container runs, Docker's first health check is still due (it
			// may be a minute away); the
			// sweep's own /health probe judges it
			state = RUNNING.contains(taskState) ? "running" : taskState;
			status.append("task ").append(taskState);
			if (node != null) {
				status.append(" on ").append(node);
			}
			String err = task.get().path("Status").path("Err").asText("");
			if (!err.isEmpty()) {
				status.append(": ").append(err);
			}
		}
		List<JsonNode> failed = tasks.stream()
			.filter(t -> FAILED.contains(t.path("Status").path("State").asText()))
			.sorted(Comparator.comparing((JsonNode t) -> t.path("Version").path("Index").asLong()).reversed())
			.toList();
		if (replicas != 0 && failed.size() >= runtime.getSwarm().getFailingTasks()) {
			status.append("; ")
				.append(failed.size())
				.append(" failed tasks, last: ")
				.append(failed.get(0).path("Status").path("Err").asText("?"))
				.append(" (unhealthy)");
		}
		String drift = tiers.find(spec.path("Labels").path(ContainerSpecs.LABEL_TIER).asText(""))
			.flatMap(tier -> SwarmServiceSpec.drift(spec, runtime.getImage(), ContainerSpecs.limits(tier)))
			.orElse(null);
		return new ManagedContainer(service.path("ID").asText(), name, tenant, state, status.toString(),
				spec.path("TaskTemplate")
					.path("Networks")
					.path(0)
					.path("Target")
					.asText(runtime.getSwarm().getNetwork()),
				node, drift);
	}

	/** Seen in the same service list: no engine call. */
	@Override
	public Optional<String> limitsDrift(ManagedContainer container, Tier tier) {
		return Optional.ofNullable(container.drift());
	}

	/**
	 * A forced update: Swarm replaces the task (on whichever node fits), the spec stays.
	 */
	@Override
	public void restart(ManagedContainer container) {
		engine.service(container.id()).ifPresent(service -> {
			ObjectNode spec = (ObjectNode) service.path("Spec").deepCopy();
			ObjectNode task = spec.with("TaskTemplate");
			task.put("ForceUpdate", task.path("ForceUpdate").asLong(0) + 1);
			engine.updateService(service.path("ID").asText(), service.path("Version").path("Index").asLong(), spec);
			log.info("Restarted service {} (forced update)", container.name());
		});
	}

	/**
	 * Not measured for services: the task may run on any node, whose engine the control
	 * plane does not reach.
	 */
	@Override
	public Optional<Usage> usage(TenantNames names) {
		return Optional.empty();
	}

	@Override
	public boolean placesOnNodes() {
		return true;
	}

	/**
	 * Secrets and networks labelled as tenantforge's whose tenant is gone: two list
	 * calls.
	 */
	@Override
	public List<Stray> strays(Set<String> liveTenants) {
		List<Stray> strays = new ArrayList<>();
		Map<String, String> ours = Map.of(ContainerSpecs.LABEL_MANAGED_BY, ContainerSpecs.MANAGED_BY);
		for (JsonNode secret : engine.secrets(ours)) {
			String tenant = secret.path("Spec").path("Labels").path(ContainerSpecs.LABEL_TENANT).asText("");
			if (!liveTenants.contains(tenant)) {
				strays.add(new Stray(ResourceKind.SWARM_SECRET, secret.path("Spec").path("Name").asText(), tenant));
			}
		}
		for (JsonNode network : engine.networks(ours)) {
			String tenant = network.path("Labels").path(ContainerSpecs.LABEL_TENANT).asText("");
			if (!liveTenants.contains(tenant)) {
				strays.add(new Stray(ResourceKind.SWARM_NETWORK, network.path("Name").asText(), tenant));
			}
		}
		return strays;
	}

	/**
	 * The nodes, each with its availability, labels, tenant slots it advertises and the
	 * tenant tasks on it (one node list and one task list).
	 */
	public List<NodeView> nodes() {
		Map<String, Integer> running = new HashMap<>();
		Set<String> ours = new HashSet<>();
		engine.services(Map.of(ContainerSpecs.LABEL_MANAGED_BY, ContainerSpecs.MANAGED_BY))
			.forEach(s -> ours.add(s.path("ID").asText()));
		for (JsonNode task : engine.tasks(null)) {
			if (ours.contains(task.path("ServiceID").asText())
					&& RUNNING.contains(task.path("Status").path("State").asText())) {
				running.merge(task.path("NodeID").asText(), 1, Integer::sum);
			}
		}
		List<NodeView> views = new ArrayList<>();
		for (JsonNode node : engine.nodes()) {
			Map<String, String> labels = new LinkedHashMap<>();
			node.path("Spec")
				.path("Labels")
				.fields()
				.forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
			long slots = -1;
			for (JsonNode resource : node.path("Description").path("Resources").path("GenericResources")) {
				if (runtime.getSwarm()
					.getSlotResource()
					.equals(resource.path("DiscreteResourceSpec").path("Kind").asText())) {
					slots = resource.path("DiscreteResourceSpec").path("Value").asLong();
				}
			}
			views.add(new NodeView(node.path("ID").asText(), node.path("Description").path("Hostname").asText(),
					node.path("Spec").path("Availability").asText(), labels, slots,
					running.getOrDefault(node.path("ID").asText(), 0)));
		}
		return views;
	}

	/**
	 * A node of the swarm as the driver sees it; {@code slots} -1 when it advertises
	 * none.
	 */
	public record NodeView(String id, String hostname, String availability, Map<String, String> labels, long slots,
			int tenants) {
	}

	private static Map<String, String> tenantLabels(Tenant tenant) {
		return Map.of(ContainerSpecs.LABEL_MANAGED_BY, ContainerSpecs.MANAGED_BY, ContainerSpecs.LABEL_TENANT,
				tenant.id());
	}

	private static boolean isOurs(JsonNode service, Tenant tenant) {
		JsonNode labels = service.path("Spec").path("Labels");
		return ContainerSpecs.MANAGED_BY.equals(labels.path(ContainerSpecs.LABEL_MANAGED_BY).asText())
				&& tenant.id().equals(labels.path(ContainerSpecs.LABEL_TENANT).asText());
	}

	private static StepFailedException notOurs(String name, Tenant tenant) {
		return new StepFailedException("service " + name + " exists and is not managed by tenantforge for "
				+ tenant.names() + ": left untouched");
	}

	private void claim(String tenantId, ResourceKind kind, String name) {
		if (!ledger.claim(tenantId, kind, name)) {
			throw new StepFailedException(kind + " " + name + " belongs to another tenant's record");
		}
	}

}
