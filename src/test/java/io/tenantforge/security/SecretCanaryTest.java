package io.tenantforge.security;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import io.tenantforge.support.Api;
import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Provisions tenants with PostgreSQL logging every statement, then searches every sink
 * for each generated secret: the control plane's log, {@code docker logs},
 * {@code docker inspect}, every API response, Redis {@code ACL LIST}, the PostgreSQL
 * server log and the control-plane database. Zero hits.
 */
@IntegrationTest
class SecretCanaryTest {

	private static final List<String> TENANTS = List.of("canary-one", "canary-two");

	@Autowired
	Api api;

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	DockerClient docker;

	@BeforeEach
	void logEveryStatement() {
		fixtures.purge(TENANTS.toArray(String[]::new));
		fixtures.tenantsDatabase().execute("ALTER SYSTEM SET log_statement = 'all'");
		fixtures.tenantsDatabase().execute("SELECT pg_reload_conf()");
	}

	@AfterEach
	void restore() {
		fixtures.tenantsDatabase().execute("ALTER SYSTEM RESET log_statement");
		fixtures.tenantsDatabase().execute("SELECT pg_reload_conf()");
		fixtures.purge(TENANTS.toArray(String[]::new));
	}

	@Test
	void noGeneratedSecretAppearsInAnySink() throws Exception {
		Path serverLog = postgresServerLog();
		long logStart = Files.size(serverLog);
		List<String> responses = new ArrayList<>();
		for (String tenant : TENANTS) {
			responses.add(api.postOrder(anOrder().withName(tenant).withSubdomain(tenant).build()).body());
		}
		for (String tenant : TENANTS) {
			fixtures.awaitStatus(tenant, TenantStatus.ACTIVE, Duration.ofSeconds(60));
		}

		Map<String, String> sinks = new LinkedHashMap<>();
		for (String tenant : TENANTS) {
			responses.add(api.get("/api/v1/tenants/" + tenant).body());
			String id = docker.inspectContainerCmd("tenant-" + tenant).exec().getId();
			sinks.put("docker inspect " + tenant,
					new ObjectMapper().writeValueAsString(docker.inspectContainerCmd(id).exec()));
			sinks.put("docker logs " + tenant, logsOf(id));
		}
		responses.add(api.get("/api/v1/tenants").body());
		sinks.put("API responses", String.join("\n", responses));
		sinks.put("control-plane log", Files.readString(Path.of("target/test-app.log")));
		sinks.put("Redis ACL LIST", String.join("\n", fixtures.redisAdmin().aclList()));
		String postgresLog = tail(serverLog, logStart);
		sinks.put("PostgreSQL server log", postgresLog);
		sinks.put("control-plane database", String.join("\n", fixtures.controlPlaneDatabase()
			.queryForList("SELECT encode(ciphertext, 'escape') FROM tenant_secrets", String.class)));

		assertThat(postgresLog).as("the server log did record the provisioning statements")
			.contains("CREATE ROLE \"tenant_canary_one\"")
			.contains("SCRAM-SHA-256$");
		for (String tenant : TENANTS) {
			for (String secret : List.of(fixtures.readSecret(tenant, "database_password"),
					fixtures.readSecret(tenant, "redis_password"))) {
				assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
				sinks.forEach((sink, content) -> assertThat(content).as(sink).doesNotContain(secret));
			}
		}
	}

	private String logsOf(String containerId) throws InterruptedException {
		ByteArrayOutputStream output = new ByteArrayOutputStream();
		docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
			@Override
			public void onNext(Frame frame) {
				output.writeBytes(frame.getPayload());
			}
		}).awaitCompletion(10, TimeUnit.SECONDS);
		return output.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Debian's pg_ctlcluster writes the server log to
	 * /var/log/postgresql/postgresql-VERSION-main.log.
	 */
	private static Path postgresServerLog() {
		File[] logs = new File("/var/log/postgresql").listFiles((dir, name) -> name.endsWith("-main.log"));
		assertThat(logs).as("PostgreSQL server log under /var/log/postgresql").isNotEmpty();
		File newest = logs[0];
		for (File log : logs) {
			if (log.lastModified() > newest.lastModified()) {
				newest = log;
			}
		}
		return newest.toPath();
	}

	private static String tail(Path file, long from) throws IOException {
		byte[] all = Files.readAllBytes(file);
		return new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from),
				StandardCharsets.UTF_8);
	}

}
