package io.tenantforge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Volume;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The product-image contract (README, "The product image"), checked against the image
 * itself with Testcontainers: the smoke image is built from {@code docker/tenant-smoke}
 * by {@link ImageFromDockerfile} (the same Dockerfile and scripts as
 * {@code docker/tenant-smoke/build.sh}, its own tag) and run as one throwaway container
 * the way the control plane runs a tenant: host network, the given uid, read-only root,
 * every capability dropped, a tmpfs at {@code /tmp}, its secrets as files. No Spring
 * context: this is the image's side of the contract. Ryuk is off (no registry to pull it
 * from, see the pom), so every container is stopped here.
 */
@Tag("integration")
class ProductImageContractTest {

	private static final String IMAGE = "tenantforge/tenant-smoke:contract-test";

	private static final String TENANT = "contract";

	/** Not under tenantforge's tenant_ prefix: no sweep may take it for a tenant's. */
	private static final String REDIS_USER = "contract_test_image";

	private static final String NAMESPACE = "contract-test:";

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static String image;

	private static RedisClient redisClient;

	private static StatefulRedisConnection<String, String> redis;

	@BeforeAll
	static void buildTheImageAndItsRedisUser() {
		Path context = Path.of("docker/tenant-smoke").toAbsolutePath();
		image = new ImageFromDockerfile(IMAGE, false).withFileFromPath("Dockerfile", context.resolve("Dockerfile"))
			.withFileFromPath("tenant-startup.sh", context.resolve("tenant-startup.sh"))
			.withFileFromPath("tenant-http.sh", context.resolve("tenant-http.sh"))
			// COPY keeps the mode: a 0644 busybox fails with "permission denied"
			.withFileFromPath("busybox", Path.of("/bin/busybox"), 0755)
			.withBuildArg("SMOKE_VERSION", "contract")
			.get();
		redisClient = RedisClient.create(RedisURI.create("127.0.0.1", 6379));
		redis = redisClient.connect();
	}

	@AfterAll
	static void removeRedisUser() {
		if (redis != null) {
			redis.sync().aclDeluser(REDIS_USER);
			redis.sync().del(NAMESPACE + "smoke:started");
			redis.close();
			redisClient.shutdown();
		}
	}

	@Test
	void aTenantContainerProvesItsIdentityAndRereadsItsSecretFiles(@TempDir Path secrets) throws Exception {
		String token = UUID.randomUUID().toString();
		String oldPassword = "old" + UUID.randomUUID().toString().replace("-", "");
		String newPassword = "new" + UUID.randomUUID().toString().replace("-", "");
		redis.sync()
			.aclSetuser(REDIS_USER,
					io.lettuce.core.AclSetuserArgs.Builder.on()
						.addPassword(oldPassword)
						.keyPattern(NAMESPACE + "*")
						.channelPattern(NAMESPACE + "*")
						.addCommand(io.lettuce.core.protocol.CommandType.PING)
						.addCommand(io.lettuce.core.protocol.CommandType.SET)
						.addCommand(io.lettuce.core.protocol.CommandType.QUIT));
		// the container's uid reads the files; the folder is the control plane's to write
		Files.setPosixFilePermissions(secrets, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
		writeSecret(secrets, "health_token", token);
		writeSecret(secrets, "redis_password", oldPassword);
		writeSecret(secrets, "database_password", "not-used-by-the-smoke-image");
		int port = freePort();

		try (GenericContainer<?> tenant = tenantContainer(port, secrets)) {
			tenant.start();

			// runs as the uid it was given, and cannot write outside /tmp
			assertThat(tenant.execInContainer("/bin/busybox", "id", "-u").getStdout().strip()).isEqualTo("10001");
			assertThat(tenant.execInContainer("/bin/busybox", "touch", "/written").getExitCode()).isNotZero();
			// logged in to Redis as its own ACL user at start
			assertThat(redis.sync().exists(NAMESPACE + "smoke:started")).isEqualTo(1);

			// /health with a nonce: the proof is SHA-256 of the health token, then the
			// nonce
			String nonce = HexFormat.of()
				.formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII))
				.substring(0, 32);
			HttpResponse<String> health = get(port, "/health?nonce=" + nonce);
			assertThat(health.statusCode()).isEqualTo(200);
			JsonNode answer = JSON.readTree(health.body());
			assertThat(answer.get("tenant").asText()).isEqualTo(TENANT);
			assertThat(answer.get("nonce").asText()).isEqualTo(nonce);
			assertThat(answer.get("proof").asText()).isEqualTo(sha256Hex(token + nonce));
			assertThat(health.body()).doesNotContain(token);
			assertThat(get(port, "/version").body()).isEqualTo("contract");

			// rotation: the new password added, the file rewritten atomically in place,
			// the
			// old password removed; the next connection reads the file again
			assertThat(get(port, "/redis-ping").body()).isEqualTo("PONG");
			redis.sync().aclSetuser(REDIS_USER, io.lettuce.core.AclSetuserArgs.Builder.addPassword(newPassword));
			writeSecret(secrets, "redis_password", newPassword);
			redis.sync().aclSetuser(REDIS_USER, io.lettuce.core.AclSetuserArgs.Builder.removePassword(oldPassword));
			HttpResponse<String> afterRotation = get(port, "/redis-ping");
			assertThat(afterRotation.statusCode()).as(afterRotation.body()).isEqualTo(200);
			assertThat(afterRotation.body()).isEqualTo("PONG");
			// and the health token likewise
			String newToken = UUID.randomUUID().toString();
			writeSecret(secrets, "health_token", newToken);
			assertThat(JSON.readTree(get(port, "/health?nonce=" + nonce).body()).get("proof").asText())
				.isEqualTo(sha256Hex(newToken + nonce));
		}
	}

	@Test
	void aTenantContainerWithoutItsConfigurationRefusesToStart() throws InterruptedException {
		DockerClient docker = DockerClientFactory.instance().client();
		String id = docker.createContainerCmd(image)
			.withEnv("PORT=" + freePort())
			.withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("host"))
			.exec()
			.getId();
		try {
			docker.startContainerCmd(id).exec();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> !docker.inspectContainerCmd(id).exec().getState().getRunning());
			// EX_USAGE, with the missing variable named on stderr
			assertThat(docker.inspectContainerCmd(id).exec().getState().getExitCodeLong()).isEqualTo(64);
			StringBuilder stderr = new StringBuilder();
			docker.logContainerCmd(id)
				.withStdErr(true)
				.exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
					@Override
					public void onNext(com.github.dockerjava.api.model.Frame frame) {
						stderr.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
					}
				})
				.awaitCompletion(10, java.util.concurrent.TimeUnit.SECONDS);
			assertThat(stderr).contains("missing required variable TENANT_ID");
		}
		finally {
			docker.removeContainerCmd(id).withForce(true).exec();
		}
	}

	private static GenericContainer<?> tenantContainer(int port, Path secrets) {
		return new GenericContainer<>(image).withNetworkMode("host")
			.withEnv(Map.of("TENANT_ID", TENANT, "PORT", Integer.toString(port), "DATABASE_SCHEMA", "tenant_" + TENANT,
					"DATABASE_URL", "postgresql://tenant_" + TENANT + "@127.0.0.1:5432/tenantforge_tenants",
					"DATABASE_PASSWORD_FILE", "/run/secrets/database_password", "REDIS_URL",
					"redis://" + REDIS_USER + "@127.0.0.1:6379", "REDIS_USER", REDIS_USER, "REDIS_PASSWORD_FILE",
					"/run/secrets/redis_password", "REDIS_NAMESPACE", NAMESPACE, "HEALTH_TOKEN_FILE",
					"/run/secrets/health_token"))
			.withTmpFs(Map.of("/tmp", "rw,nosuid,nodev,size=8m,uid=10001,gid=10001"))
			// the bind on the create command itself: withFileSystemBind first checks file
			// mounting with an alpine container, which cannot be pulled here (3.5 min of
			// retries)
			.withCreateContainerCmdModifier(create -> create.withUser("10001:10001")
				.getHostConfig()
				.withBinds(new Bind(secrets.toString(), new Volume("/run/secrets"), AccessMode.ro))
				.withReadonlyRootfs(true)
				.withCapDrop(Capability.ALL)
				.withSecurityOpts(List.of("no-new-privileges")))
			.waitingFor(
					Wait.forLogMessage(".*" + TENANT + " serving on .*", 1).withStartupTimeout(Duration.ofSeconds(60)));
	}

	/**
	 * Writes a secret as the control plane does: a whole new file moved over the old one.
	 */
	private static void writeSecret(Path dir, String name, String value) throws IOException {
		Path next = dir.resolve("." + name + ".next");
		Files.writeString(next, value);
		Files.setAttribute(next, "unix:uid", 10001);
		Files.setAttribute(next, "unix:gid", 10001);
		Files.setPosixFilePermissions(next, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
		Files.move(next, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String sha256Hex(String text) throws Exception {
		return HexFormat.of()
			.formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

}
