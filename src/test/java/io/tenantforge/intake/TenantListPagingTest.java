package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The tenant list a page at a time: pages in id order, linked by
 * {@code Link: rel="next"}, together the whole list.
 */
@IntegrationTest
class TenantListPagingTest {

	private static final String[] SLUGS = { "page-a", "page-b", "page-c" };

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@BeforeEach
	void order() {
		fixtures.purge(SLUGS);
		for (String slug : SLUGS) {
			assertThat(api.postOrder(anOrder().withName("Paged " + slug).withSubdomain(slug).build()).statusCode())
				.isEqualTo(202);
		}
	}

	@AfterEach
	void clean() {
		for (String slug : SLUGS) {
			fixtures.awaitSettled(slug, Duration.ofSeconds(60));
		}
		fixtures.purge(SLUGS);
	}

	@Test
	void pagesOfTwoFollowedByTheirLinksAreTheWholeListInIdOrder() {
		List<String> all = ids(api.read(api.get("/api/v1/tenants").body()));
		assertThat(all).contains(SLUGS).isSorted();

		List<String> paged = new ArrayList<>();
		String next = "/api/v1/tenants?limit=2";
		for (int pages = 0; next != null; pages++) {
			assertThat(pages).as("pages").isLessThan(all.size() + 1);
			HttpResponse<String> page = api.get(next);
			assertThat(page.statusCode()).isEqualTo(200);
			List<String> ids = ids(api.read(page.body()));
			assertThat(ids).hasSizeLessThanOrEqualTo(2);
			paged.addAll(ids);
			next = page.headers()
				.firstValue("Link")
				.map(link -> link.replaceFirst("^<([^>]+)>; rel=\"next\"$", "$1"))
				.orElse(null);
		}
		assertThat(paged).isEqualTo(all);
		assertThat(ids(api.read(api.get("/api/v1/tenants?limit=1&after=page-a").body()))).containsExactly("page-b");
	}

	@Test
	void aBadLimitOrAfterIsABadRequestNamingTheParameter() {
		for (String query : new String[] { "limit=0", "limit=501", "limit=ten", "after=Not-A-Slug" }) {
			HttpResponse<String> answer = api.get("/api/v1/tenants?" + query);
			assertThat(answer.statusCode()).as(query).isEqualTo(400);
			assertThat(answer.body()).as(query).contains(query.substring(0, query.indexOf('=')));
		}
	}

	private static List<String> ids(JsonNode tenants) {
		List<String> ids = new ArrayList<>();
		tenants.forEach(t -> ids.add(t.path("id").asText()));
		return ids;
	}

}
