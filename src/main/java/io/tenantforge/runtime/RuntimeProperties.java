package io.tenantforge.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How tenant containers are run ({@code tenantforge.runtime.*}). A JavaBean rather than a
 * record: the image is what operators roll forward while the control plane runs.
 */
@ConfigurationProperties("tenantforge.runtime")
public class RuntimeProperties {

	/**
	 * What runs tenant containers: {@code docker} (one container per tenant on the engine
	 * at {@link #dockerHost}) or {@code swarm} (one single-replica service per tenant on
	 * the swarm whose manager answers at {@link #dockerHost}).
	 */
	private Driver driver = Driver.DOCKER;

	/** The Swarm driver's settings ({@code tenantforge.runtime.swarm.*}). */
	private final Swarm swarm = new Swarm();

	/** Docker engine endpoint. */
	private String dockerHost = "unix:///var/run/docker.sock";

	/** The product image every tenant container runs. */
	private String image = "tenantforge/tenant-smoke:dev";

	/**
	 * How tenant containers are networked. {@code host} (the default, for the
	 * loopback-only setup): on the engine host's network, reaching everything on its
	 * loopback. {@code isolated} (recommended): each on a bridge network of its own,
	 * reaching only what listens on the engine host's non-loopback addresses (PostgreSQL
	 * and Redis at their {@code tenant-host}), its port published on
	 * {@link #publishAddress} only. See the README.
	 */
	private NetworkMode network = NetworkMode.HOST;

	/**
	 * Isolated mode: the engine-host address each tenant's port is published on, where
	 * the control plane's health probe and the router reach it. Loopback, so no other
	 * machine and no tenant (a bridge network cannot reach the engine host's loopback)
	 * gets in through it.
	 */
	private String publishAddress = "127.0.0.1";

	/**
	 * Tenants listen at a port from this range: on 127.0.0.1 (host networking) or
	 * published there (isolated).
	 */
	private int portRangeStart = 20000;

	private int portRangeEnd = 29999;

	/**
	 * Host folder of the per-tenant secret files, bind-mounted read-only at /run/secrets.
	 */
	private Path secretsDir = Path.of("var/secrets");

	/**
	 * The {@code uid:gid} tenant containers run as, unless their tier names another
	 * ({@code runtime-user} in {@code config/tiers.yaml}). Numeric, so it needs no passwd
	 * entry in the image or on the host: the secret files are given to this uid. Never 0:
	 * a root process is one capability away from root-owned mounts.
	 */
	private String user = "10001:10001";

	/** Docker HEALTHCHECK command; {port} is replaced by the tenant's port. */
	private List<String> healthCheckCommand = List.of("CMD", "/bin/busybox", "wget", "-q", "-O", "/dev/null",
			"http://127.0.0.1:{port}/health");

	/**
	 * Docker's own health check runs rarely (it costs CPU on every container); the
	 * control plane probes itself.
	 */
	private Duration healthCheckInterval = Duration.ofSeconds(60);

	private Duration healthCheckTimeout = Duration.ofSeconds(10);

	private int healthCheckRetries = 3;

	/** Size of the writable /tmp of the otherwise read-only root filesystem. */
	private String tmpfsSize = "16m";

	private String logMaxSize = "10m";

	private int logMaxFiles = 3;

	public Driver getDriver() {
		return driver;
	}

	public void setDriver(Driver driver) {
		this.driver = driver;
	}

	public Swarm getSwarm() {
		return swarm;
	}

	public String getDockerHost() {
		return dockerHost;
	}

	public void setDockerHost(String dockerHost) {
		this.dockerHost = dockerHost;
	}

	public NetworkMode getNetwork() {
		return network;
	}

	public void setNetwork(NetworkMode network) {
		this.network = network;
	}

	public String getPublishAddress() {
		return publishAddress;
	}

	public void setPublishAddress(String publishAddress) {
		this.publishAddress = publishAddress;
	}

	public String getImage() {
		return image;
	}

	public void setImage(String image) {
		this.image = image;
	}

	public int getPortRangeStart() {
		return portRangeStart;
	}

	public void setPortRangeStart(int portRangeStart) {
		this.portRangeStart = portRangeStart;
	}

	public int getPortRangeEnd() {
		return portRangeEnd;
	}

	public void setPortRangeEnd(int portRangeEnd) {
		this.portRangeEnd = portRangeEnd;
	}

	public Path getSecretsDir() {
		return secretsDir;
	}

	public void setSecretsDir(Path secretsDir) {
		this.secretsDir = secretsDir;
	}

	public String getUser() {
		return user;
	}

	public void setUser(String user) {
		this.user = user;
	}

	public List<String> getHealthCheckCommand() {
		return healthCheckCommand;
	}

	public void setHealthCheckCommand(List<String> healthCheckCommand) {
		this.healthCheckCommand = healthCheckCommand;
	}

	public Duration getHealthCheckInterval() {
		return healthCheckInterval;
	}

	public void setHealthCheckInterval(Duration healthCheckInterval) {
		this.healthCheckInterval = healthCheckInterval;
	}

	public Duration getHealthCheckTimeout() {
		return healthCheckTimeout;
	}

	public void setHealthCheckTimeout(Duration healthCheckTimeout) {
		this.healthCheckTimeout = healthCheckTimeout;
	}

	public int getHealthCheckRetries() {
		return healthCheckRetries;
	}

	public void setHealthCheckRetries(int healthCheckRetries) {
		this.healthCheckRetries = healthCheckRetries;
	}

	public String getTmpfsSize() {
		return tmpfsSize;
	}

	public void setTmpfsSize(String tmpfsSize) {
		this.tmpfsSize = tmpfsSize;
	}

	public String getLogMaxSize() {
		return logMaxSize;
	}

	public void setLogMaxSize(String logMaxSize) {
		this.logMaxSize = logMaxSize;
	}

	public int getLogMaxFiles() {
		return logMaxFiles;
	}

	public void setLogMaxFiles(int logMaxFiles) {
		this.logMaxFiles = logMaxFiles;
	}

	/** {@code tenantforge.runtime.network}. */
	public enum NetworkMode {

		/**
		 * The engine host's network: every tenant reaches every service on its loopback.
		 */
		HOST,

		/**
		 * A bridge network per tenant, its port published on the publish address only.
		 */
		ISOLATED

	}

	/** {@code tenantforge.runtime.driver}. */
	public enum Driver {

		DOCKER, SWARM

	}

	/** {@code tenantforge.runtime.swarm.*}. */
	public static class Swarm {

		/**
		 * At most this many tenants on one node (0: no cap). Swarm's own MaxReplicas caps
		 * the tasks of ONE service per node, and each tenant is a service of its own, so
		 * the cap is a node resource instead: every node advertises {@link #slotResource}
		 * = N (dockerd {@code --node-generic-resource tenant-slot=N}) and every tenant
		 * service reserves one; the scheduler then never places more than N tenants on a
		 * node, also when it reschedules after a drain. The sweep reports nodes that
		 * advertise another number.
		 */
		private int maxTenantsPerNode = 0;

		/** The name of the node resource that counts tenant slots. */
		private String slotResource = "tenant-slot";

		/**
		 * The network tenant services are attached to. {@code host} (default): the node's
		 * network, the tenant on 127.0.0.1:port of its node, as with the docker driver in
		 * host mode.
		 */
		private String network = "host";

		/**
		 * Update order: {@code start-first} (the new task runs before the old stops) or
		 * {@code stop-first}. On the host network two tasks of a tenant cannot bind one
		 * port on one node, so there start-first is used only when
		 * {@link #startFirstOnHostNetwork} says the product image tolerates it.
		 */
		private String updateOrder = "start-first";

		private boolean startFirstOnHostNetwork = false;

		/**
		 * How long apply waits for the scheduler's first word on a new task (placed, or
		 * no suitable node).
		 */
		private java.time.Duration placementWait = java.time.Duration.ofSeconds(3);

		/**
		 * Failed tasks of a tenant within Swarm's task history that make the sweep call
		 * it failing.
		 */
		private int failingTasks = 2;

		public int getMaxTenantsPerNode() {
			return maxTenantsPerNode;
		}

		public void setMaxTenantsPerNode(int maxTenantsPerNode) {
			this.maxTenantsPerNode = maxTenantsPerNode;
		}

		public String getSlotResource() {
			return slotResource;
		}

		public void setSlotResource(String slotResource) {
			this.slotResource = slotResource;
		}

		public String getNetwork() {
			return network;
		}

		public void setNetwork(String network) {
			this.network = network;
		}

		public String getUpdateOrder() {
			return updateOrder;
		}

		public void setUpdateOrder(String updateOrder) {
			this.updateOrder = updateOrder;
		}

		public boolean isStartFirstOnHostNetwork() {
			return startFirstOnHostNetwork;
		}

		public void setStartFirstOnHostNetwork(boolean startFirstOnHostNetwork) {
			this.startFirstOnHostNetwork = startFirstOnHostNetwork;
		}

		public java.time.Duration getPlacementWait() {
			return placementWait;
		}

		public void setPlacementWait(java.time.Duration placementWait) {
			this.placementWait = placementWait;
		}

		public int getFailingTasks() {
			return failingTasks;
		}

		public void setFailingTasks(int failingTasks) {
			this.failingTasks = failingTasks;
		}

	}

}
