package io.tenantforge.security;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Who may call what: 401 without credentials, 403 with the wrong role, 413 and 429 at the
 * limits.
 */
@IntegrationTest
class AccessControlTest {

	private static final List<String[]> API = List.of(new String[] { "GET", "/api/v1/tenants" },
			new String[] { "GET", "/api/v1/tenants/nobody" }, new String[] { "POST", "/api/v1/tenants" },
			new String[] { "POST", "/api/v1/tenants/nobody/suspend" },
			new String[] { "POST", "/api/v1/tenants/nobody/resume" },
			new String[] { "PATCH", "/api/v1/tenants/nobody" }, new String[] { "DELETE", "/api/v1/tenants/nobody" });

	private static final List<String> ADMIN_ONLY = List.of("/actuator/prometheus", "/actuator/camelroutes",
			"/actuator/info", "/actuator/hawtio/", "/actuator/hawtio/jolokia/version", "/actuator/jolokia/version");

	@Autowired
	Api api;

	@Test
	void everyPathAnswers401WithoutCredentialsOrWithAWrongPassword() {
		for (String[] call : API) {
			assertThat(api.requestAs(null, null, call[0], call[1], "{}").statusCode()).as(String.join(" ", call))
				.isEqualTo(401);
			assertThat(api.requestAs("admin", "wrong", call[0], call[1], "{}").statusCode()).as(String.join(" ", call))
				.isEqualTo(401);
		}
		for (String path : ADMIN_ONLY) {
			assertThat(api.requestAs(null, null, "GET", path, null).statusCode()).as(path).isEqualTo(401);
		}
		assertThat(api.requestAs(null, null, "GET", "/actuator/health", null).statusCode()).isEqualTo(200);
	}

	@Test
	void viewerMayReadButChangeNothing() {
		assertThat(as("viewer", "GET", "/api/v1/tenants").statusCode()).isEqualTo(200);
		assertThat(as("viewer", "GET", "/api/v1/tenants/nobody").statusCode()).isEqualTo(404);
		for (String[] call : API.subList(2, API.size())) {
			assertThat(api.requestAs("viewer", "viewer-password", call[0], call[1], "{}").statusCode())
				.as(String.join(" ", call))
				.isEqualTo(403);
		}
		for (String path : ADMIN_ONLY) {
			assertThat(as("viewer", "GET", path).statusCode()).as(path).isEqualTo(403);
		}
	}

	@Test
	void operatorMayOrderAndRunTheLifecycleButNotTheActuator() {
		assertThat(api
			.requestAs("operator", "operator-password", "POST", "/api/v1/tenants",
					anOrder().withSubdomain("Not Valid").build())
			.statusCode()).as("authorized, then rejected as invalid").isEqualTo(400);
		assertThat(api.requestAs("operator", "operator-password", "POST", "/api/v1/tenants/nobody/suspend", "")
			.statusCode()).isEqualTo(404);
		assertThat(
				api.requestAs("operator", "operator-password", "DELETE", "/api/v1/tenants/nobody", null).statusCode())
			.isEqualTo(404);
		for (String path : ADMIN_ONLY) {
			assertThat(as("operator", "GET", path).statusCode()).as(path).isEqualTo(403);
		}
		assertThat(api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).statusCode())
			.isEqualTo(200);
	}

	@Test
	void adminSeesTheRoutesInTheConsoleThroughJolokiaAsHawtioDoes() {
		HttpResponse<String> user = api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/hawtio/user", null);
		HttpResponse<String> routes = api.requestAs("admin", Api.ADMIN_PASSWORD, "GET",
				"/actuator/hawtio/jolokia/search/org.apache.camel:type=routes,*", null);

		assertThat(user.statusCode()).isEqualTo(200);
		assertThat(user.body().strip()).as("Hawtio took the Spring Security login (JAAS bridge)")
			.isEqualTo("\"admin\"");
		assertThat(routes.statusCode()).isEqualTo(200);
		assertThat(routes.body()).contains("intake-rest-order", "intake-queue-order", "intake-file-order",
				"provisioning-reconcile");
		assertThat(api.requestAs(null, null, "POST", "/actuator/hawtio/jolokia", "{\"type\":\"version\"}").statusCode())
			.isEqualTo(401);
		assertThat(
				api.requestAs("viewer", "viewer-password", "POST", "/actuator/hawtio/jolokia", "{\"type\":\"version\"}")
					.statusCode())
			.isEqualTo(403);
	}

	@Test
	void bodiesOverTheRequestLimitAre413WhetherDeclaredOrChunked() {
		byte[] megabyte = ("{\"name\":\"" + "A".repeat(1024 * 1024) + "\"}").getBytes();

		HttpResponse<String> declared = api.postOrderBytes(megabyte);
		HttpResponse<String> chunked = api.postChunked("/api/v1/tenants", megabyte);

		assertThat(declared.statusCode()).isEqualTo(413);
		assertThat(declared.headers().firstValue("Content-Type"))
			.hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
		assertThat(chunked.statusCode()).isEqualTo(413);
	}

	@Test
	void orderCreationIsRateLimitedPerUserWith429AndRetryAfter() {
		for (int i = 0; i < 3; i++) {
			assertThat(api.requestAs("burst", "burst-password", "POST", "/api/v1/tenants", "{}").statusCode())
				.isEqualTo(400);
		}

		HttpResponse<String> limited = api.requestAs("burst", "burst-password", "POST", "/api/v1/tenants", "{}");

		assertThat(limited.statusCode()).isEqualTo(429);
		assertThat(limited.headers().firstValue("Retry-After")).isPresent();
		assertThat(api.requestAs("operator", "operator-password", "POST", "/api/v1/tenants", "{}").statusCode())
			.as("another user is not limited by it")
			.isEqualTo(400);
	}

	private HttpResponse<String> as(String user, String method, String path) {
		return api.requestAs(user, user + "-password", method, path, null);
	}

}
