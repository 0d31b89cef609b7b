package io.tenantforge.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static io.tenantforge.support.KeyCheckFixtures.KEY;
import static io.tenantforge.support.KeyCheckFixtures.OTHER_KEY;
import static io.tenantforge.support.KeyCheckFixtures.cipher;
import static io.tenantforge.support.KeyCheckFixtures.freshControlPlaneDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.tenantforge.security.SecretKeyCheck;

/**
 * The packaged control plane, started with a secret encryption key that is not the one
 * its database was set up with, refuses to start and says why, never quoting a key (issue
 * 13, item 3). Runs the jar on databases, ports and folders of its own.
 */
class SecretKeyMismatchIT {

	private static final String DATABASE = "jdbc:postgresql://127.0.0.1:5432/tenantforge_process_keycheck";

	private static final String TENANTS_DATABASE = DATABASE + "_tenants";

	private static final Path WORK_DIR = Path.of("target/process-keycheck").toAbsolutePath();

	@Test
	void aControlPlaneStartedWithAnotherKeyThanItsDatabasesRefusesToStartAndSaysWhy() throws Exception {
		// the control-plane database as a control plane with KEY left it: migrated, its
		// key check value recorded
		JdbcTemplate jdbc = freshControlPlaneDatabase(DATABASE);
		new SecretKeyCheck(jdbc, cipher(KEY));
		Files.createDirectories(WORK_DIR);
		Path log = WORK_DIR.resolve("control-plane.log");
		Files.deleteIfExists(log);

		Process process = start(OTHER_KEY, log);
		boolean exited = process.waitFor(120, TimeUnit.SECONDS);
		if (!exited) {
			process.destroyForcibly().waitFor();
		}

		String output = Files.readString(log);
		assertThat(exited).as("the control plane stopped by itself; output:%n%s", output).isTrue();
		assertThat(process.exitValue()).isNotZero();
		assertThat(output).contains("Refusing to start")
			.contains("does not match this control-plane database")
			.contains("secret_key_check")
			.doesNotContain("Started TenantforgeApplication")
			.doesNotContain(OTHER_KEY)
			.doesNotContain(KEY);
		assertThat(jdbc.queryForObject("SELECT count(*) FROM secret_key_check", Integer.class)).isOne();
		assertThatCode(() -> new SecretKeyCheck(jdbc, cipher(KEY))).as("the database's own key still passes")
			.doesNotThrowAnyException();
	}

	private static Process start(String key, Path log) throws java.io.IOException {
		String jar = System.getProperty("tenantforge.jar");
		assertThat(jar).as("the packaged control plane (run ./mvnw verify)").isNotNull();
		List<String> command = List.of("java", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar,
				"--server.port=18070", "--spring.datasource.url=" + DATABASE,
				"--tenantforge.database.url=" + TENANTS_DATABASE,
				"--spring.artemis.embedded.data-directory=" + WORK_DIR.resolve("artemis"),
				"--tenantforge.intake.broker-acceptor=tcp://127.0.0.1:61637?protocols=CORE,AMQP,STOMP",
				"--tenantforge.intake.orders-dir=" + WORK_DIR.resolve("orders"),
				"--tenantforge.runtime.secrets-dir=" + WORK_DIR.resolve("secrets"),
				"--tenantforge.database.archive-dir=" + WORK_DIR.resolve("archive"),
				"--tenantforge.runtime.port-range-start=22900", "--tenantforge.runtime.port-range-end=22999");
		ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("TENANTFORGE_ADMIN_PASSWORD", "process-admin-password");
		builder.environment().put("TENANTFORGE_SECRET_KEY", key);
		return builder.start();
	}

}
