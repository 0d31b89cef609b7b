package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * One order delivered many times over all three channels is one tenant, provisioned once.
 */
@IntegrationTest
class CrossChannelIdempotencyTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@Autowired
	IntakeProperties intake;

	@BeforeEach
	void clean() {
		fixtures.purge("vandelay");
		OutsideBroker.drain("tenant.orders.DLQ", 100);
	}

	@AfterEach
	void settleAndClean() {
		fixtures.awaitSettled("vandelay", Duration.ofSeconds(60));
		fixtures.purge("vandelay");
	}

	@Test
	void sameOrderFiveTimesOverRestTwiceOnTheQueueAndOnceAsAFileIsOneTenant() throws IOException {
		String order = anOrder().withName("Vandelay Industries").withSubdomain("vandelay").withOrderId("xc-1").build();
		Path inbox = Files.createDirectories(intake.ordersDir().toAbsolutePath().resolve("inbox"));
		Path done = intake.ordersDir().toAbsolutePath().resolve("done").resolve("vandelay.json");
		Files.deleteIfExists(done);

		for (int i = 0; i < 5; i++) {
			assertThat(api.postOrder(order).statusCode()).isIn(200, 202);
		}
		OutsideBroker.send("tenant.orders", order);
		OutsideBroker.send("tenant.orders", order);
		Files.move(Files.writeString(inbox.resolveSibling("vandelay.json.staged"), order),
				inbox.resolve("vandelay.json"));

		fixtures.awaitStatus("vandelay", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(done));
		assertThat(OutsideBroker.drain("tenant.orders.DLQ", 300)).isEmpty();
		assertThat(docker.listContainersCmd()
			.withShowAll(true)
			.withLabelFilter(Map.of("io.tenantforge.tenant", "vandelay"))
			.exec()).hasSize(1);
		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT count(*) FROM pg_namespace WHERE nspname = 'tenant_vandelay'", Long.class))
			.isEqualTo(1);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForMap("SELECT generation, observed_generation FROM tenants WHERE id = 'vandelay'"))
			.containsEntry("generation", 1L)
			.containsEntry("observed_generation", 1L);
		assertThat(fixtures.controlPlaneDatabase()
			.queryForObject("SELECT count(*) FROM orders WHERE tenant_id = 'vandelay'", Long.class)).isEqualTo(1);
	}

}
