package io.tenantforge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.tenant.Tier;
import io.tenantforge.tenant.TierCatalog;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import io.tenantforge.support.UnitTest;

@UnitTest
class OrderParserTest {

	private final OrderParser parser = new OrderParser(
			new TierCatalog(Map.of("basic", new Tier(0.5, DataSize.ofMegabytes(64), 0.1, DataSize.ofMegabytes(32), 64,
					5, Duration.ofSeconds(15), Duration.ofSeconds(20), null))));

	@Test
	void readsAJsonOrder() {
		TenantOrder order = parser.parseJson(
				bytes("{\"name\":\"Acme Corp\",\"subdomain\":\"acme\",\"tier\":\"basic\"," + "\"orderId\":\"ord-7\"}"));

		assertThat(order).isEqualTo(new TenantOrder("Acme Corp", "acme", "basic", "ord-7"));
	}

	@Test
	void readsAYamlOrderByFileName() {
		TenantOrder order = parser.parseFile(bytes("name: Acme Corp\nsubdomain: acme\ntier: basic\n"), "acme.yaml");

		assertThat(order).isEqualTo(new TenantOrder("Acme Corp", "acme", "basic", null));
	}

	@Test
	void namesEveryBadFieldAtOnce() {
		assertThatThrownBy(() -> parser.parseJson(bytes("{\"name\":7,\"subdomain\":\"Acme\",\"tier\":\"gold\"}")))
			.isInstanceOfSatisfying(InvalidOrderException.class,
					e -> assertThat(e.errors()).extracting(InvalidOrderException.FieldError::field)
						.containsExactlyInAnyOrder("name", "subdomain", "tier"));
	}

	@Test
	void refusesDuplicateKeysRatherThanPickingOne() {
		assertThatThrownBy(() -> parser.parseJson(
				bytes("{\"name\":\"A\",\"subdomain\":\"acme\",\"subdomain\":\"admin\"," + "\"tier\":\"basic\"}")))
			.isInstanceOf(InvalidOrderException.class)
			.hasMessageContaining("body");
	}

	@Test
	void refusesBytesThatAreNotUtf8() {
		assertThatThrownBy(() -> parser.parseJson(new byte[] { '{', (byte) 0xff, '}' }))
			.isInstanceOf(InvalidOrderException.class)
			.hasMessageContaining("UTF-8");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
