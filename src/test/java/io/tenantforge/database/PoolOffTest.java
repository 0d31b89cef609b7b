package io.tenantforge.database;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantNames;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Pool size 0, as in the shared test context: a ready slot (left, say, by a control plane
 * of another setting) is neither taken by an order nor refilled.
 */
@IntegrationTest
class PoolOffTest {

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	SchemaPool pool;

	private String slot;

	@AfterEach
	void clean() throws Exception {
		fixtures.purge("pooloff");
		if (slot != null) {
			pool.drop(slot);
		}
	}

	@Test
	void withSizeZeroNoSlotIsTakenOrMade() throws Exception {
		assertThat(pool.enabled()).isFalse();
		pool.refill(); // the one pass of a pool that is off (drops what is left) is
						// behind us
		slot = pool.fill("basic", "1");

		assertThat(api.postOrder(anOrder().withSubdomain("pooloff").withTier("basic").build()).statusCode())
			.isEqualTo(202);
		fixtures.awaitStatus("pooloff", TenantStatus.ACTIVE, Duration.ofSeconds(60));

		assertThat(fixtures.tenantsDatabase()
			.queryForObject("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = ?",
					String.class, new TenantNames("pooloff").databaseSchema()))
			.isEqualTo(TenantDatabaseProvisioner.OWNER_MARK + "pooloff");
		assertThat(pool.slots()).extracting(SchemaPool.Slot::name).containsExactly(slot);
		assertThat(pool.refill().made()).isEmpty();
		assertThat(pool.slots()).extracting(SchemaPool.Slot::name).containsExactly(slot);
	}

}
