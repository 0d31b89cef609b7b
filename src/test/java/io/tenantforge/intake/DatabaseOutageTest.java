package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.tenantforge.support.Outage;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.LocalPostgres;
import io.tenantforge.support.OutsideBroker;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PostgreSQL goes away while orders arrive by queue and folder: they are retried with
 * backoff, nothing is lost, and all become ACTIVE once it is back. Stops and starts the
 * machine's real server.
 */
@IntegrationTest
@Outage
class DatabaseOutageTest {

	private static final String[] TENANTS = { "outage-one", "outage-two", "outage-three" };

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	IntakeProperties intake;

	@Autowired
	CamelContext camel;

	@BeforeEach
	void clean() {
		fixtures.purge(TENANTS);
		OutsideBroker.drain("tenant.orders.DLQ", 100);
	}

	@AfterEach
	void settleAndClean() {
		LocalPostgres.start();
		for (String tenant : TENANTS) {
			fixtures.awaitSettled(tenant, Duration.ofSeconds(60));
		}
		fixtures.purge(TENANTS);
	}

	@Test
	void ordersArrivingWhilePostgresIsDownAreRetriedAndBecomeActiveOnceItIsBack() throws IOException {
		Path inbox = Files.createDirectories(intake.ordersDir().toAbsolutePath().resolve("inbox"));

		LocalPostgres.stop();
		OutsideBroker.send("tenant.orders", anOrder().withName("One").withSubdomain("outage-one").build());
		OutsideBroker.send("tenant.orders", anOrder().withName("Two").withSubdomain("outage-two").build());
		Files.writeString(inbox.resolve("outage-three.json"),
				anOrder().withName("Three").withSubdomain("outage-three").build());
		await().atMost(Duration.ofSeconds(30)).until(() -> queuedOrdersBeingRetried() == 2);
		LocalPostgres.start();

		for (String tenant : TENANTS) {
			fixtures.awaitStatus(tenant, TenantStatus.ACTIVE, Duration.ofSeconds(90));
		}
		assertThat(OutsideBroker.drain("tenant.orders.DLQ", 300)).isEmpty();
		assertThat(intake.ordersDir().resolve("error").resolve("outage-three.json")).doesNotExist();
	}

	/** Orders from the queue that are in flight and already past a failed attempt. */
	private long queuedOrdersBeingRetried() {
		return camel.getInflightRepository()
			.browse("intake-queue-order")
			.stream()
			.filter(inflight -> inflight.getExchange()
				.getIn()
				.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) > 0)
			.count();
	}

}
