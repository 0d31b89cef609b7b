package io.tenantforge.posture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import io.tenantforge.support.Outage;
import io.tenantforge.intake.Inbox;
import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The host posture check against this machine as it is: PostgreSQL with {@code trust} on
 * 127.0.0.1, Redis with a password-less default user, tenant containers on the host
 * network, PUBLIC allowed to connect to the maintenance databases. Each must be reported;
 * fixing one makes it disappear on the next sweep.
 */
@IntegrationTest
class HostPostureTest {

	@Autowired
	Api api;

	@Autowired
	Inbox inbox;

	@Test
	void theHolesThisMachineHasAreReportedInTheApiHealthAndMetrics() {
		JsonNode report = sweepAndReadPosture();

		assertThat(kinds(report))
			.contains("postgres-trust", "redis-default-nopass", "tenant-host-network", "postgres-other-databases")
			.doesNotContain("broker-anonymous", "inbox-world-writable");
		assertThat(report.path("unchecked")).isEmpty();
		assertThat(finding(report, "postgres-trust").path("detail").asText()).contains("pg_hba.conf line", "trust");
		assertThat(finding(report, "postgres-other-databases").path("detail").asText()).contains("postgres");
		assertThat(finding(report, "redis-default-nopass").path("fix").asText()).contains("ACL SETUSER default");

		JsonNode health = api.read(api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/health", null).body())
			.path("components")
			.path("posture");
		assertThat(health.path("status").asText()).isEqualTo("UP"); // reported, not
																	// enforced
		assertThat(health.path("details").path("findings").toString()).contains("redis-default-nopass");

		String metrics = api.requestAs("admin", Api.ADMIN_PASSWORD, "GET", "/actuator/prometheus", null).body();
		assertThat(metrics).containsPattern("tenantforge_posture_findings\\{finding=\"redis-default-nopass\"[^}]*\\} 1")
			.containsPattern("tenantforge_posture_findings\\{finding=\"broker-anonymous\"[^}]*\\} 0");
	}

	@Test
	@Outage
	void aRedisDefaultUserGivenAPasswordIsNoLongerAFindingOnTheNextSweep() {
		assertThat(kinds(sweepAndReadPosture())).contains("redis-default-nopass");
		// connections already logged in (the control plane's, this one) stay logged in
		// while the password is set
		try (RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
				StatefulRedisConnection<String, String> redis = client.connect()) {
			redis.sync()
				.aclSetuser("default",
						io.lettuce.core.AclSetuserArgs.Builder.resetpass().addPassword("posture-test-pw"));
			try {
				assertThat(kinds(sweepAndReadPosture())).doesNotContain("redis-default-nopass");
			}
			finally {
				redis.sync().aclSetuser("default", io.lettuce.core.AclSetuserArgs.Builder.nopass());
			}
		}
		assertThat(kinds(sweepAndReadPosture())).contains("redis-default-nopass");
	}

	@Test
	void aWorldWritableInboxIsAFindingUntilItIsClosedAgain() throws Exception {
		Path folder = inbox.inbox();
		Set<PosixFilePermission> before = Files.getPosixFilePermissions(folder);
		Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
		try {
			JsonNode report = sweepAndReadPosture();
			assertThat(kinds(report)).contains("inbox-world-writable");
			assertThat(finding(report, "inbox-world-writable").path("fix").asText()).contains("chmod o-w");
		}
		finally {
			Files.setPosixFilePermissions(folder, before);
		}
		assertThat(kinds(sweepAndReadPosture())).doesNotContain("inbox-world-writable");
	}

	private JsonNode sweepAndReadPosture() {
		assertThat(api.post("/api/v1/fleet/sweep", "").statusCode()).isEqualTo(200);
		var response = api.get("/api/v1/fleet/posture");
		assertThat(response.statusCode()).isEqualTo(200);
		return api.read(response.body());
	}

	private static List<String> kinds(JsonNode report) {
		List<String> kinds = new ArrayList<>();
		report.path("findings").forEach(f -> kinds.add(f.path("kind").asText()));
		return kinds;
	}

	private static JsonNode finding(JsonNode report, String kind) {
		for (JsonNode f : report.path("findings")) {
			if (f.path("kind").asText().equals(kind)) {
				return f;
			}
		}
		throw new AssertionError("no finding " + kind + " in " + report);
	}

}
