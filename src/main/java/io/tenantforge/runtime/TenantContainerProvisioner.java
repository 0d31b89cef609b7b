package io.tenantforge.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.InvocationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.ResourceKind;
import io.tenantforge.tenant.ResourceLedger;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.tenant.Tier;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The container step: one container of the product image per tenant, named and labelled
 * after it, with its environment, its secrets as read-only files, its tier's limits, a
 * health check and hardening flags; started when not running. A same-named container that
 * tenantforge did not label for this tenant is never touched.
 * <p>
 * In the {@link NetworkMode#ISOLATED isolated} network mode each tenant also gets a
 * bridge network of its own ({@link TenantNames#networkName()}), with inter-container
 * traffic and outbound masquerading off: the engine's isolation rules keep every other
 * tenant's network out, the engine host's loopback (control plane, broker) is not
 * reachable from a bridge, and the tenant's port is published on {@code publish-address}
 * only.
 */
@Component
@ConditionalOnProperty(name = "tenantforge.runtime.driver", havingValue = "docker", matchIfMissing = true)
public class TenantContainerProvisioner implements TenantRuntime {

	public static final String LABEL_TENANT = ContainerSpecs.LABEL_TENANT;

	public static final String LABEL_MANAGED_BY = ContainerSpecs.LABEL_MANAGED_BY;

	public static final String LABEL_TIER = ContainerSpecs.LABEL_TIER;

	public static final String MANAGED_BY = ContainerSpecs.MANAGED_BY;

	private static final Logger log = LoggerFactory.getLogger(TenantContainerProvisioner.class);

	/** Seconds a stopping container gets before it is killed (suspend). */
	public static final int STOP_TIMEOUT_SECONDS = 10;

	private final DockerClient docker;

	private final RuntimeProperties runtime;

	private final TenantServiceUrls urls;

	private final PortAllocator ports;

	private final SecretFiles secretFiles;

	private final TenantSecrets secrets;

	private final ResourceLedger ledger;

	private final ContainerSpecs specs;

	public TenantContainerProvisioner(DockerClient docker, RuntimeProperties runtime, TenantServiceUrls urls,
			PortAllocator ports, SecretFiles secretFiles, TenantSecrets secrets, ResourceLedger ledger) {
		this.docker = docker;
		this.runtime = runtime;
		this.urls = urls;
		this.ports = ports;
		this.secretFiles = secretFiles;
		this.secrets = secrets;
		this.ledger = ledger;
		this.specs = new ContainerSpecs(runtime, urls);
	}

	/**
	 * Makes the tenant's container exist and run with its tier's limits (updated in place
	 * on a tier change, never recreated); returns the port it serves on.
	 */
	@Override
	public int ensure(Tenant tenant, Tier tier) {
		return ensure(tenant, tier, null);
	}

	@Override
	public int ensure(Tenant tenant, Tier tier, String image) {
		TenantNames names = tenant.names();
		Prepared prepared = prepare(tenant, tier, image);
		if (prepared.toStart() != null) {
			onEngine(names, () -> {
				try {
					docker.startContainerCmd(prepared.toStart()).exec();
					log.info("Started container {} on 127.0.0.1:{}", names.containerName(), prepared.port());
				}
				catch (NotModifiedException startedMeanwhile) {
					// a reconciler that crashed after starting it: running is what we
					// want
				}
				return null;
			});
		}
		return prepared.port();
	}

	@Override
	public Prepared prepare(Tenant tenant, Tier tier, String image) {
		TenantNames names = tenant.names();
		int port = ports.portOf(tenant);
		Optional<InspectContainerResponse> existing = inspectSafely(names);
		if (existing.isPresent() && !isOurs(existing.get(), names)
				&& ledger.owner(ResourceKind.CONTAINER, names.containerName()).isEmpty()) {
			throw new StepFailedException("container " + names.containerName()
					+ " exists and is not managed by tenantforge for " + names + ": left untouched");
		}
		claim(tenant.id(), ResourceKind.SECRET_DIR, names.slug());
		claim(tenant.id(), ResourceKind.CONTAINER, names.containerName());
		if (isolated()) {
			claim(tenant.id(), ResourceKind.NETWORK, names.networkName());
		}
		ContainerSpec spec = specs.desired(tenant, tier, port, image);
		RuntimeUser user = spec.user();
		Map<String, String> files = new LinkedHashMap<>();
		spec.secretFiles().forEach((file, secret) -> files.put(file, secrets.getOrCreate(tenant.id(), secret)));
		secretFiles.write(names, files, user);
		return onEngine(names, () -> {
			long began = System.nanoTime();
			String id;
			boolean running;
			if (existing.isPresent()) {
				requireOurs(existing.get(), names);
				id = existing.get().getId();
				updateLimits(existing.get(), tier);
				running = Boolean.TRUE.equals(existing.get().getState().getRunning());
			}
			else {
				if (isolated()) {
					ensureNetwork(tenant);
				}
				id = create(tenant, spec, names.containerName());
				running = false;
			}
			log.debug("container step of {}: create or update {} ms", tenant.id(),
					(System.nanoTime() - began) / 1_000_000);
			return new Prepared(port, running ? null : id);
		});
	}

	/**
	 * Runs engine calls with one error policy: the engine's 5xx and connection failures
	 * are transient (retried), other engine refusals fail the step; failures of our own
	 * pass through.
	 */
	private <T> T onEngine(Object subject, Supplier<T> calls) {
		try {
			return calls.get();
		}
		catch (RuntimeException e) {
			throw engineFault(subject, runtime.getImage(), e);
		}
	}

	/**
	 * What a failed engine call means, for this driver's calls and the routes'
	 * {@code docker:} endpoints ({@link EngineComponent}) alike: an engine answer as
	 * {@link #classify} reads it, anything else (no answer) transient.
	 */
	static RuntimeException engineFault(Object subject, String image, RuntimeException e) {
		return e instanceof DockerException answer ? classify(subject, image, answer) : unreachable(subject, e);
	}

	private static RuntimeException unreachable(Object subject, RuntimeException e) {
		if (e instanceof StepFailedException || e instanceof RetryableException) {
			return e;
		}
		return new RetryableException("Docker engine unreachable for " + subject + ": " + e.getMessage(), e);
	}

	/**
	 * Every container labelled as managed by tenantforge, running or not: one engine
	 * call, whatever the size of the fleet (the health sweep's view of the engine).
	 */
	@Override
	public List<ManagedContainer> listManaged() {
		return onEngine("the fleet",
				() -> docker.listContainersCmd()
					.withShowAll(true)
					.withLabelFilter(Map.of(LABEL_MANAGED_BY, MANAGED_BY))
					.exec()
					.stream()
					.map(c -> new ManagedContainer(c.getId(),
							c.getNames() == null || c.getNames().length == 0 ? c.getId()
									: c.getNames()[0].replaceFirst("^/", ""),
							Optional.ofNullable(c.getLabels()).map(l -> l.get(LABEL_TENANT)).orElse(""), c.getState(),
							c.getStatus(), c.getHostConfig() == null ? null : c.getHostConfig().getNetworkMode()))
					.toList());
	}

	/**
	 * How the container's limits differ from the tier's; empty when they match. One
	 * inspect.
	 */
	@Override
	public Optional<String> limitsDrift(ManagedContainer container, Tier tier) {
		return onEngine(container.name(), () -> {
			try {
				return limitsDrift(docker.inspectContainerCmd(container.id()).exec().getHostConfig(), tier);
			}
			catch (NotFoundException goneMeanwhile) {
				return Optional.<String>empty(); // the next sweep sees it missing
			}
		});
	}

	/**
	 * Restarts an unhealthy container of the tenant (the health sweep's repair); it keeps
	 * its configuration.
	 */
	@Override
	public void restart(ManagedContainer container) {
		onEngine(container.name(), () -> {
			try {
				docker.restartContainerCmd(container.id()).withTimeout(5).exec();
				log.info("Restarted container {}", container.name());
			}
			catch (NotFoundException goneMeanwhile) {
				// the next sweep sees it missing and hands the tenant to the reconciler
			}
			return null;
		});
	}

	@Override
	public Optional<String> minSchema(String image) {
		return onEngine(image, () -> {
			try {
				Map<String, String> labels = docker.inspectImageCmd(image).exec().getConfig().getLabels();
				return Optional.ofNullable(labels == null ? null : labels.get(ContainerSpecs.LABEL_MIN_SCHEMA));
			}
			catch (NotFoundException missing) {
				throw new StepFailedException("image " + image + " not found", missing);
			}
		});
	}

	@Override
	public void startCandidate(Tenant tenant, Tier tier, String image, int port) {
		TenantNames names = tenant.names();
		String name = names.containerName() + ContainerSpecs.CANDIDATE_SUFFIX;
		claim(tenant.id(), ResourceKind.CONTAINER, name);
		ContainerSpec spec = specs.desired(tenant, tier, port, image);
		onEngine(names, () -> {
			Optional<InspectContainerResponse> existing = inspect(name);
			if (existing.isPresent()) {
				requireOurs(existing.get(), names, name);
				boolean same = image.equals(existing.get().getConfig().getImage())
						&& java.util.Arrays.asList(existing.get().getConfig().getEnv()).contains("PORT=" + port);
				if (!same) {
					docker.removeContainerCmd(existing.get().getId()).withForce(true).exec();
					existing = Optional.empty();
				}
			}
			String id = existing.isPresent() ? existing.get().getId() : create(tenant, spec, name);
			try {
				docker.startContainerCmd(id).exec();
				log.info("Started candidate container {} of {} on 127.0.0.1:{}", name, image, port);
			}
			catch (NotModifiedException runningAlready) {
				// a rollout that crashed after starting it
			}
			return null;
		});
	}

	@Override
	public void removeCandidate(Tenant tenant) {
		TenantNames names = tenant.names();
		String name = names.containerName() + ContainerSpecs.CANDIDATE_SUFFIX;
		onEngine(names, () -> {
			Optional<InspectContainerResponse> existing = inspect(name);
			if (existing.isPresent() && isOurs(existing.get(), names)) {
				try {
					docker.removeContainerCmd(existing.get().getId()).withForce(true).exec();
					log.info("Removed candidate container {}", name);
				}
				catch (NotFoundException goneMeanwhile) {
					// nothing to do
				}
			}
			return null;
		});
		ledger.release(tenant.id(), ResourceKind.CONTAINER, name);
	}

	@Override
	public void promoteCandidate(Tenant tenant) {
		TenantNames names = tenant.names();
		String name = names.containerName() + ContainerSpecs.CANDIDATE_SUFFIX;
		onEngine(names, () -> {
			Optional<InspectContainerResponse> candidate = inspect(name);
			if (candidate.isEmpty()) {
				return null; // promoted already (a rollout that crashed after the rename)
			}
			requireOurs(candidate.get(), names, name);
			Optional<InspectContainerResponse> old = inspect(names.containerName());
			if (old.isPresent()) {
				requireOurs(old.get(), names);
				try {
					docker.removeContainerCmd(old.get().getId()).withForce(true).exec();
					log.info("Removed the old container {}", names.containerName());
				}
				catch (NotFoundException goneMeanwhile) {
					// nothing to do
				}
			}
			docker.renameContainerCmd(candidate.get().getId()).withName(names.containerName()).exec();
			log.info("Container {} is now {}", name, names.containerName());
			return null;
		});
		ledger.release(tenant.id(), ResourceKind.CONTAINER, name);
	}

	private static void requireOurs(InspectContainerResponse container, TenantNames names, String name) {
		if (!isOurs(container, names)) {
			throw new StepFailedException("container " + name + " exists and is not managed by tenantforge for " + names
					+ ": left untouched");
		}
	}

	/** The docker driver's container calls can be made by Camel's docker: endpoints. */
	@Override
	public boolean dockerEndpoints() {
		return true;
	}

	/** Suspend: stops the container; it stays, with its configuration, for resume. */
	@Override
	public void stop(Tenant tenant) {
		TenantNames names = tenant.names();
		toStop(tenant).ifPresent(id -> onEngine(names, () -> {
			try {
				docker.stopContainerCmd(id).withTimeout(STOP_TIMEOUT_SECONDS).exec();
				log.info("Stopped container {}", names.containerName());
			}
			catch (NotModifiedException stoppedMeanwhile) {
				// nothing to do
			}
			return null;
		}));
	}

	@Override
	public Optional<String> toStop(Tenant tenant) {
		TenantNames names = tenant.names();
		return onEngine(names,
				() -> inspect(names.containerName())
					.filter(c -> isOurs(c, names) && Boolean.TRUE.equals(c.getState().getRunning()))
					.map(InspectContainerResponse::getId));
	}

	/**
	 * Deprovision: removes the container and the secret files, if the ownership record
	 * gives them to the tenant.
	 */
	@Override
	public void remove(Tenant tenant) {
		TenantNames names = tenant.names();
		toRemove(tenant).ifPresent(id -> onEngine(names, () -> {
			try {
				docker.removeContainerCmd(id).withForce(true).exec();
				log.info("Removed container {}", names.containerName());
			}
			catch (NotFoundException goneMeanwhile) {
				// nothing to do
			}
			return null;
		}));
		requireGone(tenant);
		ledger.release(tenant.id(), ResourceKind.CONTAINER, names.containerName());
		removeRest(tenant);
	}

	@Override
	public Optional<String> toRemove(Tenant tenant) {
		TenantNames names = tenant.names();
		if (!ledger.owns(tenant.id(), ResourceKind.CONTAINER, names.containerName())) {
			return Optional.empty();
		}
		return onEngine(names, () -> inspect(names.containerName()).filter(c -> isOurs(c, names))
			.map(InspectContainerResponse::getId));
	}

	@Override
	public void requireGone(Tenant tenant) {
		TenantNames names = tenant.names();
		if (ledger.owns(tenant.id(), ResourceKind.CONTAINER, names.containerName())) {
			onEngine(names, () -> {
				if (inspect(names.containerName()).filter(c -> isOurs(c, names)).isPresent()) {
					throw new RetryableException("container " + names.containerName() + " still exists");
				}
				return null;
			});
		}
	}

	@Override
	public void removeRest(Tenant tenant) {
		TenantNames names = tenant.names();
		if (ledger.owns(tenant.id(), ResourceKind.NETWORK, names.networkName())) {
			onEngine(names, () -> {
				removeNetwork(names);
				return null;
			});
			ledger.release(tenant.id(), ResourceKind.NETWORK, names.networkName());
		}
		if (ledger.owns(tenant.id(), ResourceKind.SECRET_DIR, names.slug())) {
			secretFiles.remove(names);
			ledger.release(tenant.id(), ResourceKind.SECRET_DIR, names.slug());
		}
	}

	private boolean isolated() {
		return runtime.getNetwork() == NetworkMode.ISOLATED;
	}

	/**
	 * The tenant's own network, created when missing (its name claimed in the ledger
	 * before). A same-named network without this tenant's labels fails the step:
	 * attaching the tenant to someone else's network would undo the isolation.
	 */
	private void ensureNetwork(Tenant tenant) {
		TenantNames names = tenant.names();
		Optional<Network> existing = inspectNetwork(names.networkName());
		if (existing.isPresent()) {
			requireOurs(existing.get(), names);
			return;
		}
		try {
			docker.createNetworkCmd()
				.withName(names.networkName())
				.withDriver("bridge")
				.withCheckDuplicate(true)
				.withAttachable(false)
				.withInternal(false) // an internal network cannot publish the tenant's
										// port
				.withLabels(labels(tenant))
				.withOptions(networkOptions())
				.exec();
			log.info("Created network {}", names.networkName());
		}
		catch (ConflictException createdMeanwhile) {
			requireOurs(
					inspectNetwork(names.networkName()).orElseThrow(
							() -> new RetryableException("network " + names.networkName() + " vanished while created")),
					names);
		}
	}

	/**
	 * The bridge driver's options of a tenant network: no traffic between containers on
	 * it (there is one, but a second one attached by hand gains nothing), no masquerading
	 * (so no way out of the engine host), published ports bound to the publish address by
	 * default.
	 */
	Map<String, String> networkOptions() {
		Map<String, String> options = new LinkedHashMap<>();
		options.put("com.docker.network.bridge.enable_icc", "false");
		options.put("com.docker.network.bridge.enable_ip_masquerade", "false");
		options.put("com.docker.network.bridge.host_binding_ipv4", runtime.getPublishAddress());
		return options;
	}

	private Optional<Network> inspectNetwork(String name) {
		try {
			Network network = docker.inspectNetworkCmd().withNetworkId(name).exec();
			// the engine also matches ids and id prefixes: only the exact name is this
			// tenant's network
			return name.equals(network.getName()) ? Optional.of(network) : Optional.empty();
		}
		catch (NotFoundException missing) {
			return Optional.empty();
		}
	}

	private void removeNetwork(TenantNames names) {
		Optional<Network> existing = inspectNetwork(names.networkName());
		if (existing.isEmpty() || !isOurs(existing.get(), names)) {
			return; // gone, or never ours to remove
		}
		try {
			docker.removeNetworkCmd(existing.get().getId()).exec();
			log.info("Removed network {}", names.networkName());
		}
		catch (NotFoundException goneMeanwhile) {
			// nothing to do
		}
	}

	private static boolean isOurs(Network network, TenantNames names) {
		Map<String, String> labels = Optional.ofNullable(network.getLabels()).orElse(Map.of());
		return MANAGED_BY.equals(labels.get(LABEL_MANAGED_BY)) && names.slug().equals(labels.get(LABEL_TENANT));
	}

	private static void requireOurs(Network network, TenantNames names) {
		if (!isOurs(network, names)) {
			throw new StepFailedException("network " + names.networkName()
					+ " exists and is not managed by tenantforge for " + names + ": left untouched");
		}
	}

	/**
	 * Memory and processes the running container uses now; empty when it is not running.
	 */
	@Override
	public Optional<Usage> usage(TenantNames names) {
		return onEngine(names, () -> {
			Optional<InspectContainerResponse> existing = inspect(names.containerName());
			if (existing.isEmpty() || !Boolean.TRUE.equals(existing.get().getState().getRunning())) {
				return Optional.empty();
			}
			Statistics stats = docker.statsCmd(existing.get().getId())
				.withNoStream(true)
				.exec(new InvocationBuilder.AsyncResultCallback<>())
				.awaitResult();
			Long memory = stats.getMemoryStats() == null ? null : stats.getMemoryStats().getUsage();
			Long processes = stats.getPidsStats() == null ? null : stats.getPidsStats().getCurrent();
			return Optional.of(new Usage(memory == null ? 0 : memory, processes == null ? 0 : processes));
		});
	}

	public Optional<InspectContainerResponse> inspect(String containerName) {
		try {
			return Optional.of(docker.inspectContainerCmd(containerName).exec());
		}
		catch (NotFoundException missing) {
			return Optional.empty();
		}
	}

	private void claim(String tenantId, ResourceKind kind, String name) {
		if (!ledger.claim(tenantId, kind, name)) {
			throw new StepFailedException(kind + " " + name + " belongs to another tenant's record");
		}
	}

	private Optional<InspectContainerResponse> inspectSafely(TenantNames names) {
		return onEngine(names, () -> inspect(names.containerName()));
	}

	/** Tier change in place: the engine's update API, no recreate. */
	private void updateLimits(InspectContainerResponse container, Tier tier) {
		if (limitsDrift(container.getHostConfig(), tier).isEmpty()) {
			return;
		}
		long memory = tier.memory().toBytes();
		docker.updateContainerCmd(container.getId())
			.withNanoCPUs(tier.nanoCpus())
			.withCpuShares(tier.cpuShares())
			.withMemory(memory)
			.withMemorySwap(memory)
			.withMemoryReservation(tier.memoryReservation().toBytes())
			.withPidsLimit(tier.pidsLimit())
			.exec();
		log.info("Updated limits of container {} in place", container.getName());
	}

	/**
	 * Which of the container's limits differ from the tier's, e.g. "memory 268435456
	 * (tier 536870912)".
	 */
	static Optional<String> limitsDrift(HostConfig current, Tier tier) {
		List<String> drift = new ArrayList<>();
		differs(drift, "cpus (nano)", current.getNanoCPUs(), tier.nanoCpus());
		differs(drift, "memory", current.getMemory(), tier.memory().toBytes());
		differs(drift, "memory reservation", current.getMemoryReservation(), tier.memoryReservation().toBytes());
		differs(drift, "cpu shares", current.getCpuShares() == null ? null : current.getCpuShares().longValue(),
				tier.cpuShares());
		differs(drift, "pids limit", current.getPidsLimit(), tier.pidsLimit());
		return drift.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", drift));
	}

	private static void differs(List<String> drift, String what, Long actual, long expected) {
		if (actual == null || actual != expected) {
			drift.add(what + " " + actual + " (tier " + expected + ")");
		}
	}

	private static boolean isOurs(InspectContainerResponse container, TenantNames names) {
		Map<String, String> labels = Optional.ofNullable(container.getConfig().getLabels()).orElse(Map.of());
		return MANAGED_BY.equals(labels.get(LABEL_MANAGED_BY)) && names.slug().equals(labels.get(LABEL_TENANT));
	}

	private static void requireOurs(InspectContainerResponse container, TenantNames names) {
		if (!isOurs(container, names)) {
			throw new StepFailedException("container " + names.containerName()
					+ " exists and is not managed by tenantforge for " + names + ": left untouched");
		}
	}

	/**
	 * The unprivileged user the tier's containers run as; a root or malformed setting
	 * fails the step.
	 */
	RuntimeUser userOf(Tier tier) {
		return specs.userOf(tier);
	}

	/**
	 * Created with docker-java: camel-docker's containercreate can set neither labels nor
	 * a health check.
	 */
	private String create(Tenant tenant, ContainerSpec spec, String name) {
		TenantNames names = tenant.names();
		int port = spec.port();
		try {
			String id = docker.createContainerCmd(spec.image())
				.withName(name)
				.withExposedPorts(isolated() ? List.of(ExposedPort.tcp(port)) : List.of())
				.withUser(spec.user().spec())
				.withLabels(spec.labels())
				.withEnv(spec.env())
				.withHealthcheck(healthCheck(spec.health()))
				.withHostConfig(hostConfig(names, spec.limits(), spec.user(), port))
				.exec()
				.getId();
			log.info("Created container {} ({}) from {}", name, id.substring(0, 12), spec.image());
			return id;
		}
		catch (ConflictException sameName) {
			// created meanwhile by a reconciler that crashed or raced us: use it if it is
			// ours
			InspectContainerResponse existing = docker.inspectContainerCmd(name).exec();
			requireOurs(existing, names);
			return existing.getId();
		}
	}

	static Map<String, String> labels(Tenant tenant) {
		return ContainerSpecs.labels(tenant);
	}

	/**
	 * The tenant environment of DESIGN.md: names and addresses only, secrets as file
	 * paths.
	 */
	List<String> environment(Tenant tenant, int port) {
		return specs.environment(tenant, port);
	}

	private static HealthCheck healthCheck(ContainerSpec.Health health) {
		return new HealthCheck().withTest(health.command())
			.withInterval(health.interval().toNanos())
			.withTimeout(health.timeout().toNanos())
			.withRetries(health.retries())
			.withStartPeriod(health.startPeriod().toNanos());
	}

	HostConfig hostConfig(TenantNames names, Tier tier, RuntimeUser user, int port) {
		return hostConfig(names, ContainerSpecs.limits(tier), user, port);
	}

	private HostConfig hostConfig(TenantNames names, ContainerSpec.Limits limits, RuntimeUser user, int port) {
		long memory = limits.memoryBytes();
		HostConfig config = HostConfig.newHostConfig();
		if (isolated()) {
			// published on the publish address only: the only way in, for the health
			// probe and the router
			config.withNetworkMode(names.networkName())
				.withPortBindings(new PortBinding(Ports.Binding.bindIpAndPort(runtime.getPublishAddress(), port),
						ExposedPort.tcp(port)));
		}
		else {
			config.withNetworkMode("host");
		}
		return config.withNanoCPUs(limits.nanoCpus())
			.withCpuShares(limits.cpuShares())
			.withMemory(memory)
			.withMemorySwap(memory)
			.withMemoryReservation(limits.memoryReservationBytes())
			.withPidsLimit(limits.pids())
			.withRestartPolicy(RestartPolicy.unlessStoppedRestart())
			.withCapDrop(Capability.ALL)
			.withSecurityOpts(List.of("no-new-privileges"))
			.withPrivileged(false)
			.withReadonlyRootfs(true)
			// owned by the tenant's user: Docker 20.10 remounts a restarted container's
			// tmpfs as root 0755, and an
			// unprivileged tenant could then no longer write its /tmp after a stop and
			// start
			.withTmpFs(Map.of("/tmp",
					"rw,noexec,nosuid,nodev,size=" + runtime.getTmpfsSize() + ",uid=" + user.uid() + ",gid="
							+ user.gid() + ",mode=0700"))
			.withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
					Map.of("max-size", runtime.getLogMaxSize(), "max-file",
							Integer.toString(runtime.getLogMaxFiles()))))
			.withBinds(new Bind(secretFiles.folderOf(names).toString(), new Volume(SecretFiles.MOUNT_POINT),
					AccessMode.ro));
	}

	/**
	 * The docker driver's one fault classification. A NotFound is "image not found" only
	 * when the engine says so ("No such image"); any other (a container or network
	 * removed between two calls) is transient: the next attempt reads the world again.
	 * 5xx is transient, other refusals fail the step.
	 */
	static RuntimeException classify(Object subject, String image, DockerException e) {
		String message = "Docker engine for " + subject + ": " + String.valueOf(e.getMessage()).strip();
		if (e instanceof NotFoundException) {
			if (message.toLowerCase(java.util.Locale.ROOT).contains("no such image")) {
				return new StepFailedException("image " + image + " not found: " + message, e);
			}
			return new RetryableException("vanished meanwhile: " + message, e);
		}
		return e.getHttpStatus() >= 500 ? new RetryableException(message, e) : new StepFailedException(message, e);
	}

}
