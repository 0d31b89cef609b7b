package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.Test;

import io.tenantforge.cache.CacheProperties;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.provisioning.ServiceUrls;
import io.tenantforge.runtime.SwarmServiceSpec.SecretRef;
import io.tenantforge.support.RetryableException;
import io.tenantforge.support.UnitTest;
import io.tenantforge.support.StepFailedException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.Tier;

import org.springframework.util.unit.DataSize;

/**
 * The pure parts of the container family, without an engine: the spec from tenant and
 * tier, its Swarm service form, the drift read back from a service, and each driver's
 * fault classification.
 */
@UnitTest
class ContainerSpecTest {

	private static final Tier BASIC = new Tier(0.5, DataSize.ofMegabytes(64), 0.1, DataSize.ofMegabytes(32), 64, 5,
			Duration.ofSeconds(15), Duration.ofSeconds(20), null);

	private static final Tier ENTERPRISE = new Tier(2.0, DataSize.ofMegabytes(256), 0.5, DataSize.ofMegabytes(128), 256,
			50, Duration.ofSeconds(60), Duration.ofSeconds(60), null, Map.of("tier", "enterprise"));

	private static final Tenant ACME = new Tenant("acme", "acme", "basic", DesiredState.ACTIVE,
			TenantStatus.PROVISIONING, 1, 0, 21001, List.of(), null, 0, Instant.now(), null, Instant.now(),
			Instant.now());

	private static final ObjectMapper JSON = new ObjectMapper();

	private final RuntimeProperties runtime = new RuntimeProperties();

	private final ContainerSpecs specs = new ContainerSpecs(runtime,
			new ServiceUrls(new TenantDatabaseProperties("jdbc:postgresql://127.0.0.1:5432/tenantforge_tenants",
					"postgres", "", "127.0.0.1", 5432, null, false, null, null),
					new CacheProperties("127.0.0.1", 6379)));

	@Test
	void theSpecCarriesTheTiersLimitsTheLabelsAndSecretsAsFilePathsOnly() {
		ContainerSpec spec = specs.desired(ACME, BASIC, 21001);

		assertThat(spec.name()).isEqualTo("tenant-acme");
		assertThat(spec.limits())
			.isEqualTo(new ContainerSpec.Limits(500_000_000L, 64L << 20, 100_000_000L, 32L << 20, 102, 64));
		assertThat(spec.labels()).containsEntry("io.tenantforge.tenant", "acme")
			.containsEntry("io.tenantforge.managed-by", "tenantforge")
			.containsEntry("io.tenantforge.tier", "basic");
		assertThat(spec.env()).contains("PORT=21001", "DATABASE_PASSWORD_FILE=/run/secrets/database_password",
				"REDIS_PASSWORD_FILE=/run/secrets/redis_password", "HEALTH_TOKEN_FILE=/run/secrets/health_token");
		assertThat(spec.env()).noneMatch(e -> e.startsWith("DATABASE_PASSWORD=") || e.startsWith("REDIS_PASSWORD="));
		assertThat(spec.secretFiles()).containsOnlyKeys("database_password", "redis_password", "health_token");
		assertThat(spec.health().command()).contains("http://127.0.0.1:21001/health");
		assertThat(spec.user().spec()).isEqualTo("10001:10001");
		assertThat(spec.nodeLabels()).isEmpty();
		assertThat(SwarmServiceSpec.bytes("16m")).isEqualTo(16L << 20);
		assertThat(SwarmServiceSpec.bytes("512k")).isEqualTo(512L << 10);
	}

	@Test
	void aRootRuntimeUserFailsTheStep() {
		runtime.setUser("0:0");
		assertThatThrownBy(() -> specs.desired(ACME, BASIC, 21001)).isInstanceOf(StepFailedException.class);
	}

	@Test
	void theServiceIsOneReplicaWithLimitsReservationsPidsSecretsAndHardening() {
		JsonNode service = service(specs.desired(ACME, BASIC, 21001), 1);

		assertThat(service.path("Mode").path("Replicated").path("Replicas").asInt()).isEqualTo(1);
		JsonNode task = service.path("TaskTemplate");
		assertThat(task.path("Resources").path("Limits").path("Pids").asLong()).isEqualTo(64);
		assertThat(task.path("Resources").path("Limits").path("MemoryBytes").asLong()).isEqualTo(64L << 20);
		assertThat(task.path("Resources").path("Reservations").path("NanoCPUs").asLong()).isEqualTo(100_000_000L);
		assertThat(task.path("Resources").path("Reservations").has("GenericResources")).isFalse();
		assertThat(task.path("ContainerSpec").path("ReadOnly").asBoolean()).isTrue();
		assertThat(task.path("ContainerSpec").path("CapabilityDrop").toString()).isEqualTo("[\"ALL\"]");
		assertThat(task.path("ContainerSpec").path("Labels").has("io.tenantforge.managed-by")).isFalse();
		JsonNode secret = task.path("ContainerSpec").path("Secrets").path(0);
		assertThat(secret.path("File").path("Name").asText()).isEqualTo("database_password");
		assertThat(secret.path("File").path("UID").asText()).isEqualTo("10001");
		assertThat(secret.path("File").path("Mode").asInt()).isEqualTo(0400);
		assertThat(task.path("RestartPolicy").path("Condition").asText()).isEqualTo("any");
		assertThat(task.path("Networks").path(0).path("Target").asText()).isEqualTo("host");
		assertThat(task.path("Placement").path("Constraints")).isEmpty();
		// on the host network two tasks of one tenant cannot bind its port on one node
		assertThat(service.path("UpdateConfig").path("Order").asText()).isEqualTo("stop-first");
	}

	@Test
	void aNodeCapReservesOneSlotAndStartFirstOffTheHostNetwork() {
		runtime.getSwarm().setMaxTenantsPerNode(3);
		runtime.getSwarm().setNetwork("tenants-overlay");
		JsonNode service = service(specs.desired(ACME, BASIC, 21001), 1);

		// as JSON trees: the order of an object's keys is not part of the Engine API's
		// JSON
		assertThat(service.path("TaskTemplate").path("Resources").path("Reservations").path("GenericResources"))
			.isEqualTo(json("[{\"DiscreteResourceSpec\":{\"Kind\":\"tenant-slot\",\"Value\":1}}]"));
		assertThat(service.path("UpdateConfig").path("Order").asText()).isEqualTo("start-first");
	}

	@Test
	void aTiersNodeLabelsBecomePlacementConstraints() {
		JsonNode service = service(specs.desired(ACME, ENTERPRISE, 21001), 1);

		assertThat(service.path("TaskTemplate").path("Placement").path("Constraints").toString())
			.isEqualTo("[\"node.labels.tier==enterprise\"]");
	}

	@Test
	void driftNamesTheLimitsAndImageChangedByHandAndNothingWhenAsTold() {
		ContainerSpec spec = specs.desired(ACME, BASIC, 21001);
		JsonNode asTold = service(spec, 1);
		assertThat(SwarmServiceSpec.drift(asTold, spec)).isEmpty();

		com.fasterxml.jackson.databind.node.ObjectNode changed = asTold.deepCopy();
		changed.with("TaskTemplate").with("Resources").with("Limits").put("MemoryBytes", 96L << 20);
		changed.with("TaskTemplate").with("ContainerSpec").put("Image", "someone/else:1");
		assertThat(SwarmServiceSpec.drift(changed, spec)).hasValueSatisfying(
				d -> assertThat(d).contains("memory 100663296 (tier 67108864)").contains("image someone/else:1"));
		assertThat(SwarmDriver.changeNeeded(asTold, spec, refs(spec))).isEmpty();
		assertThat(SwarmDriver.changeNeeded(service(spec, 0), spec, refs(spec)))
			.hasValueSatisfying(c -> assertThat(c).contains("replicas 0"));
	}

	@Test
	void aSecretsNameChangesWithItsContentAndNeverContainsIt() {
		ContainerSpec spec = specs.desired(ACME, BASIC, 21001);
		String one = SwarmServiceSpec.secretName(spec, "database_password", "s3cret-one");
		assertThat(one).startsWith("tenant-acme-").doesNotContain("s3cret").hasSizeLessThanOrEqualTo(64);
		assertThat(SwarmServiceSpec.secretName(spec, "database_password", "s3cret-two")).isNotEqualTo(one);
	}

	@Test
	void eachDriverClassifiesItsFaultsOnce() {
		assertThat(TenantContainerProvisioner.classify("acme", "img:1",
				new NotFoundException("Status 404: {\"message\":\"No such image: img:1\"}")))
			.isInstanceOf(StepFailedException.class)
			.hasMessageContaining("image img:1 not found");
		// a container removed between two calls is not a missing image: the next attempt
		// reads the world again
		assertThat(TenantContainerProvisioner.classify("acme", "img:1",
				new NotFoundException("Status 404: {\"message\":\"No such container: 0123\"}")))
			.isInstanceOf(RetryableException.class)
			.hasMessageNotContaining("image img:1 not found")
			.hasMessageContaining("No such container");
		assertThat(SwarmEngine.classify(503, "GET /services", "This node is not a swarm manager."))
			.isInstanceOf(StepFailedException.class);
		assertThat(SwarmEngine.classify(500, "POST /services/create", "rpc error: timeout"))
			.isInstanceOf(RetryableException.class);
		assertThat(SwarmEngine.classify(400, "POST /services/create", "invalid mount"))
			.isInstanceOf(StepFailedException.class);
		assertThat(SwarmEngine.classify(409, "POST /secrets/create", "exists"))
			.isInstanceOf(SwarmEngine.Conflict.class);
	}

	private static JsonNode json(String text) {
		try {
			return JSON.readTree(text);
		}
		catch (java.io.IOException e) {
			throw new IllegalArgumentException(e);
		}
	}

	private JsonNode service(ContainerSpec spec, int replicas) {
		return JSON.valueToTree(SwarmServiceSpec.desired(spec, runtime.getSwarm(), refs(spec), replicas, 0));
	}

	private static List<SecretRef> refs(ContainerSpec spec) {
		return spec.secretFiles()
			.keySet()
			.stream()
			.map(f -> new SecretRef(f, spec.name() + "-" + f, "id-" + f))
			.toList();
	}

}
