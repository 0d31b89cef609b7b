package io.tenantforge.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.tenantforge.support.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

/**
 * A second control plane on the same database joins only with the same tier catalogue as
 * the running one (this test's own Spring context); with another, it refuses to start and
 * says why.
 */
@IntegrationTest
class ClusterMembershipTest {

	@Autowired
	JdbcTemplate database;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	TierCatalog tiers;

	@Autowired
	ClusterMembership running;

	@Test
	void anInstanceWithTheSameTiersJoinsAndLeaves() {
		ClusterMembership second = new ClusterMembership(database, transactions, tiers);
		try {
			assertThat(instances()).contains(running.instance(), second.instance());
		}
		finally {
			second.destroy();
		}
		assertThat(instances()).contains(running.instance()).doesNotContain(second.instance());
	}

	@Test
	void anInstanceWithAnotherTierCatalogueRefusesToJoin() {
		Map<String, Tier> changed = new TreeMap<>(tiers.tiers());
		Tier basic = changed.get("basic");
		changed.put("basic",
				new Tier(basic.cpus() * 2, DataSize.ofMegabytes(999), basic.cpuReservation(), basic.memoryReservation(),
						basic.pidsLimit(), basic.postgresConnectionLimit(), basic.postgresStatementTimeout(),
						Duration.ofSeconds(1), basic.runtimeUser()));

		assertThatThrownBy(() -> new ClusterMembership(database, transactions, new TierCatalog(changed)))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("tier catalogue")
			.hasMessageContaining(running.instance());
		assertThat(instances()).containsOnlyOnce(running.instance());
	}

	private java.util.List<String> instances() {
		return database.queryForList("SELECT instance FROM control_planes", String.class);
	}

}
