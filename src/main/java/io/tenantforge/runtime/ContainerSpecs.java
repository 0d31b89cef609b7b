package io.tenantforge.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.security.TenantSecrets;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantServiceUrls;
import io.tenantforge.tenant.Tier;

/**
 * The desired container of a tenant ({@link ContainerSpec}) from the tenant, its tier,
 * its port and the settings: pure, so both drivers and the tests share one definition of
 * what a tenant runs as.
 */
public final class ContainerSpecs {

	public static final String LABEL_TENANT = "io.tenantforge.tenant";

	public static final String LABEL_MANAGED_BY = "io.tenantforge.managed-by";

	public static final String LABEL_TIER = "io.tenantforge.tier";

	public static final String MANAGED_BY = "tenantforge";

	/**
	 * Image label: the lowest tenant schema version the image needs (a rollout refuses an
	 * older schema).
	 */
	public static final String LABEL_MIN_SCHEMA = "io.tenantforge.min-schema";

	/**
	 * Name suffix of a rollout's new container while it runs beside the tenant's old one.
	 */
	public static final String CANDIDATE_SUFFIX = "-next";

	/**
	 * The address a tenant's server binds inside its container ({@code 127.0.0.1} with
	 * host networking).
	 */
	static final String LISTEN_ADDRESS = "LISTEN_ADDRESS";

	static final String DATABASE_PASSWORD_FILE = "database_password";

	static final String REDIS_PASSWORD_FILE = "redis_password";

	/**
	 * The tenant's proof of identity in its {@code /health} answer (see
	 * {@code TenantHealthProbe}).
	 */
	static final String HEALTH_TOKEN_FILE = "health_token";

	/**
	 * The secret files every tenant gets (file name → tenant secret), at
	 * {@link SecretFiles#MOUNT_POINT}.
	 */
	static final Map<String, String> SECRET_FILES = secretFiles();

	private final RuntimeProperties runtime;

	private final TenantServiceUrls urls;

	public ContainerSpecs(RuntimeProperties runtime, TenantServiceUrls urls) {
		this.runtime = runtime;
		this.urls = urls;
	}

	public ContainerSpec desired(Tenant tenant, Tier tier, int port) {
		return desired(tenant, tier, port, null);
	}

	/**
	 * The container of {@code image} (null: the configured
	 * {@code tenantforge.runtime.image}).
	 */
	public ContainerSpec desired(Tenant tenant, Tier tier, int port, String image) {
		return new ContainerSpec(tenant.names().containerName(), image == null ? runtime.getImage() : image,
				userOf(tier), environment(tenant, port), labels(tenant), limits(tier), health(tier, port), SECRET_FILES,
				port, runtime.getTmpfsSize(), runtime.getLogMaxSize(), runtime.getLogMaxFiles(), tier.nodeLabels());
	}

	/**
	 * The unprivileged user the tier's containers run as; a root or malformed setting
	 * fails the step.
	 */
	public RuntimeUser userOf(Tier tier) {
		String spec = tier.runtimeUserOr(runtime.getUser());
		try {
			return RuntimeUser.parse(spec);
		}
		catch (IllegalArgumentException e) {
			throw new StepFailedException(e.getMessage(), e);
		}
	}

	public static Map<String, String> labels(Tenant tenant) {
		Map<String, String> labels = new LinkedHashMap<>();
		labels.put(LABEL_TENANT, tenant.id());
		labels.put(LABEL_MANAGED_BY, MANAGED_BY);
		labels.put(LABEL_TIER, tenant.tier());
		return labels;
	}

	public static ContainerSpec.Limits limits(Tier tier) {
		return new ContainerSpec.Limits(tier.nanoCpus(), tier.memory().toBytes(),
				Math.round(tier.cpuReservation() * 1_000_000_000L), tier.memoryReservation().toBytes(),
				tier.cpuShares(), tier.pidsLimit());
	}

	/**
	 * The tenant environment of DESIGN.md: names and addresses only, secrets as file
	 * paths.
	 */
	public List<String> environment(Tenant tenant, int port) {
		TenantNames names = tenant.names();
		String role = names.databaseRole();
		List<String> env = new ArrayList<>();
		env.add("TENANT_ID=" + tenant.id());
		env.add("TENANT_SUBDOMAIN=" + tenant.id());
		env.add("TENANT_TIER=" + tenant.tier());
		env.add("DATABASE_SCHEMA=" + names.databaseSchema());
		env.add("DATABASE_URL=" + urls.databaseUrl(names));
		env.add("DATABASE_USER=" + role);
		env.add("DATABASE_PASSWORD_FILE=" + SecretFiles.MOUNT_POINT + "/" + DATABASE_PASSWORD_FILE);
		env.add("REDIS_URL=" + urls.redisUrl(names));
		env.add("REDIS_USER=" + names.redisUser());
		env.add("REDIS_PASSWORD_FILE=" + SecretFiles.MOUNT_POINT + "/" + REDIS_PASSWORD_FILE);
		env.add("REDIS_NAMESPACE=" + names.redisNamespace());
		env.add("HEALTH_TOKEN_FILE=" + SecretFiles.MOUNT_POINT + "/" + HEALTH_TOKEN_FILE);
		env.add("PORT=" + port);
		// on its own network the server must take connections arriving from the bridge
		// (the published port)
		env.add(LISTEN_ADDRESS + "=" + (isolated() ? "0.0.0.0" : "127.0.0.1"));
		env.add("OTEL_RESOURCE_ATTRIBUTES=service.name=" + names.containerName() + ",tenant.id=" + tenant.id()
				+ ",tenant.tier=" + tenant.tier());
		return env;
	}

	ContainerSpec.Health health(Tier tier, int port) {
		List<String> command = runtime.getHealthCheckCommand()
			.stream()
			.map(part -> part.replace("{port}", Integer.toString(port)))
			.toList();
		return new ContainerSpec.Health(command, runtime.getHealthCheckInterval(), runtime.getHealthCheckTimeout(),
				runtime.getHealthCheckRetries(), tier.healthStartPeriod());
	}

	private boolean isolated() {
		return runtime.getNetwork() == NetworkMode.ISOLATED;
	}

	private static Map<String, String> secretFiles() {
		Map<String, String> files = new LinkedHashMap<>();
		files.put(DATABASE_PASSWORD_FILE, TenantSecrets.DATABASE_PASSWORD);
		files.put(REDIS_PASSWORD_FILE, TenantSecrets.REDIS_PASSWORD);
		files.put(HEALTH_TOKEN_FILE, TenantSecrets.HEALTH_TOKEN);
		return java.util.Collections.unmodifiableMap(files);
	}

}
