package io.tenantforge.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenantforge.support.InvalidTenantIdException;
import io.tenantforge.support.UnsupportedMediaTypeException;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import io.tenantforge.support.UnitTest;

@UnitTest
class ApiRequestsTest {

	private final ApiRequests requests = new ApiRequests();

	@Test
	void theTenantIdIsDecodedOnce() {
		assertThat(idOf("%61cme")).isEqualTo("acme");
		assertThatThrownBy(() -> idOf("%2561cme")).isInstanceOf(InvalidTenantIdException.class)
			.hasMessageContaining("'%61cme'");
	}

	@Test
	void anIdThatCannotBeASlugIsRefusedWithAShortEscapedExcerpt() {
		assertThatThrownBy(() -> idOf("%C3%A9")).isInstanceOf(InvalidTenantIdException.class)
			.hasMessageContaining("'\\u00e9'");
		assertThatThrownBy(() -> idOf("%ZZ")).isInstanceOf(InvalidTenantIdException.class)
			.hasMessageContaining("not percent-encoded");
		assertThatThrownBy(() -> idOf("x".repeat(5000))).isInstanceOf(InvalidTenantIdException.class)
			.hasMessageContaining("x".repeat(32) + "...(5000 characters)")
			.hasMessageNotContaining("x".repeat(33));
		assertThatThrownBy(() -> idOf("it's")).hasMessageContaining("'it\\u0027s'");
	}

	@Test
	void onlyJsonInUtf8IsABody() {
		requests.requireJson("application/json");
		requests.requireJson("application/json; charset=UTF-8");
		for (String type : new String[] { null, "", "text/plain", "application/json; charset=ISO-8859-1",
				"application/problem+json", "not a type" }) {
			assertThatThrownBy(() -> requests.requireJson(type)).as(type)
				.isInstanceOf(UnsupportedMediaTypeException.class);
		}
	}

	private String idOf(String raw) {
		Exchange exchange = new DefaultExchange(new DefaultCamelContext());
		exchange.getMessage().setHeader(ApiRequests.TENANT_ID, raw);
		requests.tenantId(exchange);
		return exchange.getMessage().getHeader(ApiRequests.TENANT_ID, String.class);
	}

}
