package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.tenantforge.support.IntegrationTest;
import io.tenantforge.support.TenantFixtures;
import io.tenantforge.tenant.TenantStatus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.FileSystemUtils;

/** Order files dropped in the inbox folder. */
@IntegrationTest
class FileIntakeTest {

	@Autowired
	TenantFixtures fixtures;

	@Autowired
	IntakeProperties intake;

	private Path inbox;

	private Path done;

	private Path error;

	@BeforeEach
	void clean() throws IOException {
		fixtures.purge("hooli");
		Path orders = intake.ordersDir().toAbsolutePath();
		inbox = Files.createDirectories(orders.resolve("inbox"));
		done = orders.resolve("done");
		error = orders.resolve("error");
		FileSystemUtils.deleteRecursively(done);
		FileSystemUtils.deleteRecursively(error);
	}

	@AfterEach
	void settleAndClean() {
		fixtures.awaitSettled("hooli", Duration.ofSeconds(60));
		fixtures.purge("hooli");
	}

	@Test
	void yamlOrderFileBecomesActiveAndMovesToDone() throws IOException {
		drop("hooli.yaml", "name: Hooli\nsubdomain: hooli\ntier: pro\norderId: file-hooli-1\n");

		fixtures.awaitStatus("hooli", TenantStatus.ACTIVE, Duration.ofSeconds(60));
		await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(done.resolve("hooli.yaml")));
		assertThat(inbox.resolve("hooli.yaml")).doesNotExist();
	}

	@Test
	void rejectedFilesEndInErrorWithAReasonAndProvisionNothing() throws IOException {
		Set<String> before = fixtures.footprint();
		Map<String, byte[]> files = Map.of("malformed.json", bytes("{\"name\": \"Hooli\", \"subdomain\": "),
				"unknown-tier.json", bytes(anOrder().withSubdomain("hooli").withTier("platinum").build()),
				"hostile.json", bytes(anOrder().withSubdomain("hooli$(reboot)").build()), "empty.json", new byte[0],
				"binary.yaml", new byte[] { 0, (byte) 0xff, (byte) 0xfe, 7, 0, 42, (byte) 0x80 });

		for (Map.Entry<String, byte[]> file : files.entrySet()) {
			Files.write(inbox.resolve(file.getKey()), file.getValue());
		}

		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			for (String name : files.keySet()) {
				assertThat(error.resolve(name)).exists();
				assertThat(error.resolve(name + ".error.txt")).exists();
			}
		});
		assertThat(Files.readString(error.resolve("unknown-tier.json.error.txt"))).contains("tier", "platinum");
		assertThat(Files.readString(error.resolve("hostile.json.error.txt"))).contains("subdomain");
		assertThat(Files.readString(error.resolve("empty.json.error.txt"))).contains("empty");
		assertThat(Files.readString(error.resolve("malformed.json.error.txt"))).contains("not valid JSON");
		assertThat(Files.readString(error.resolve("binary.yaml.error.txt"))).contains("invalid order");
		assertThat(done).doesNotExist();
		assertThat(fixtures.footprint()).isEqualTo(before);
	}

	/** Writes the file elsewhere and moves it in, as a careful producer does. */
	private void drop(String name, String content) throws IOException {
		Path staged = Files.writeString(inbox.getParent().resolve(name + ".staged"), content);
		Files.move(staged, inbox.resolve(name));
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
