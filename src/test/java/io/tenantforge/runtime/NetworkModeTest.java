package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.github.dockerjava.api.model.HostConfig;
import org.junit.jupiter.api.Test;

import io.tenantforge.cache.CacheProperties;
import io.tenantforge.database.TenantDatabaseProperties;
import io.tenantforge.provisioning.ServiceUrls;
import io.tenantforge.runtime.RuntimeProperties.NetworkMode;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.Tier;

import org.springframework.util.unit.DataSize;
import io.tenantforge.support.UnitTest;

/**
 * The container spec in each network mode, without an engine: what the isolated mode asks
 * the engine for is what its guarantees rest on (see {@link IsolatedNetworkTest} for the
 * engine's side).
 */
@UnitTest
class NetworkModeTest {

	private static final Tier BASIC = new Tier(0.5, DataSize.ofMegabytes(64), 0.1, DataSize.ofMegabytes(32), 64, 5,
			Duration.ofSeconds(15), Duration.ofSeconds(20), null);

	private static final Tenant ACME = new Tenant("acme", "acme", "basic", DesiredState.ACTIVE,
			TenantStatus.PROVISIONING, 1, 0, 21001, List.of(), null, 0, Instant.now(), null, Instant.now(),
			Instant.now());

	@Test
	void hostModeSharesTheHostsNetworkAndServesOnLoopback() {
		TenantContainerProvisioner containers = provisioner(NetworkMode.HOST);

		HostConfig config = containers.hostConfig(ACME.names(), BASIC, RuntimeUser.parse("10001:10001"), 21001);

		assertThat(config.getNetworkMode()).isEqualTo("host");
		assertThat(config.getPortBindings()).satisfiesAnyOf(ports -> assertThat(ports).isNull(),
				ports -> assertThat(ports.getBindings()).isEmpty());
		assertThat(containers.environment(ACME, 21001)).contains("LISTEN_ADDRESS=127.0.0.1", "PORT=21001");
	}

	@Test
	void isolatedModePutsTheTenantOnItsOwnNetworkWithItsPortPublishedOnThePublishAddressOnly() {
		TenantContainerProvisioner containers = provisioner(NetworkMode.ISOLATED);

		HostConfig config = containers.hostConfig(ACME.names(), BASIC, RuntimeUser.parse("10001:10001"), 21001);

		assertThat(config.getNetworkMode()).isEqualTo("tenant-acme-net");
		assertThat(config.getPortBindings().getBindings()).hasSize(1);
		assertThat(config.getPortBindings().getBindings().entrySet()).singleElement().satisfies(binding -> {
			assertThat(binding.getKey().getPort()).isEqualTo(21001);
			assertThat(binding.getValue()).extracting(b -> b.getHostIp() + ":" + b.getHostPortSpec())
				.containsExactly("127.0.0.1:21001");
		});
		assertThat(containers.environment(ACME, 21001)).contains("LISTEN_ADDRESS=0.0.0.0", "PORT=21001");
		assertThat(containers.networkOptions()).containsEntry("com.docker.network.bridge.enable_icc", "false")
			.containsEntry("com.docker.network.bridge.enable_ip_masquerade", "false")
			.containsEntry("com.docker.network.bridge.host_binding_ipv4", "127.0.0.1");
	}

	private static TenantContainerProvisioner provisioner(NetworkMode mode) {
		RuntimeProperties runtime = new RuntimeProperties();
		runtime.setNetwork(mode);
		runtime.setSecretsDir(Path.of("target/unit-secrets"));
		// 10.250.0.1: a test host's services address (inside its namespace only); here
		// only a value in the spec, no
		// connection is made
		TenantDatabaseProperties database = new TenantDatabaseProperties(
				"jdbc:postgresql://127.0.0.1:5432/tenantforge_tenants", "postgres", "", "10.250.0.1", 5432, null, false,
				null, null);
		return new TenantContainerProvisioner(null, runtime,
				new ServiceUrls(database, new CacheProperties("10.250.0.1", 6379)), null, new SecretFiles(runtime),
				null, null);
	}

}
