package io.tenantforge.intake;

import static io.tenantforge.support.TenantOrders.anOrder;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;

import io.tenantforge.support.IntegrationTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.FileSystemUtils;

/**
 * What a hostile file in the inbox can no longer do: a 1 GiB file killed the drop folder
 * (read whole before the size check), a link to a secret leaked it into the reason file
 * and the log, and the inbox was read even while anyone could write into it.
 */
@IntegrationTest
class InboxGuardTest {

	private static final String CANARY = "canary-0ccb5e7d-not-an-order";

	@Autowired
	IntakeProperties intake;

	@Autowired
	Inbox inbox;

	private Path folder;

	private Path error;

	private Path secret;

	@BeforeEach
	void clean() throws IOException {
		folder = inbox.inbox();
		error = intake.errorDir();
		FileSystemUtils.deleteRecursively(error);
		secret = Files.writeString(Files.createDirectories(Path.of("target/inbox-guard")).resolve("secret"),
				CANARY + "\n");
	}

	@AfterEach
	void removeFiles() throws IOException {
		FileSystemUtils.deleteRecursively(error);
		FileSystemUtils.deleteRecursively(Path.of("target/inbox-guard"));
	}

	@Test
	void aFileLargerThanAnOrderIsRefusedFromItsSizeAloneAndTheNextFileIsStillRead() throws IOException {
		try (RandomAccessFile huge = new RandomAccessFile(folder.resolve("huge.json").toFile(), "rw")) {
			huge.setLength(1L << 30); // sparse: 1 GiB that takes no disk
		}
		drop("next.json", anOrder().withSubdomain("inbox-next").withTier("platinum").build());

		await().atMost(Duration.ofSeconds(30))
			.until(() -> Files.exists(error.resolve("next.json.error.txt"))
					&& Files.exists(error.resolve("huge.json.error.txt")));
		assertThat(Files.readString(error.resolve("huge.json.error.txt"))).contains("1073741824 bytes", "not read");
		assertThat(Files.readString(error.resolve("next.json.error.txt"))).contains("platinum");
		assertThat(error.resolve("huge.json")).exists();
		assertThat(folder.resolve("huge.json")).doesNotExist();
	}

	@Test
	void linksToSecretsAreRefusedUnreadAndNoReasonOrLogLineQuotesThem() throws IOException {
		Files.createSymbolicLink(folder.resolve("symlink.json"), secret.toAbsolutePath());
		Files.createLink(folder.resolve("hardlink.json"), secret);
		// a regular file that is not an order: the parser says where it failed, never
		// what it read
		drop("garbage.json", CANARY);

		await().atMost(Duration.ofSeconds(30))
			.until(() -> Files.exists(error.resolve("symlink.json.error.txt"))
					&& Files.exists(error.resolve("hardlink.json.error.txt"))
					&& Files.exists(error.resolve("garbage.json.error.txt")));
		assertThat(Files.readString(error.resolve("symlink.json.error.txt"))).contains("symbolic link");
		assertThat(Files.readString(error.resolve("hardlink.json.error.txt"))).contains("hard links");
		assertThat(Files.readString(error.resolve("garbage.json.error.txt"))).contains("not valid JSON", "line 1");
		for (String name : new String[] { "symlink.json", "hardlink.json", "garbage.json" }) {
			Path reason = error.resolve(name + ".error.txt");
			assertThat(Files.readString(reason)).doesNotContain(CANARY).doesNotContain(CANARY.substring(0, 8));
			assertThat(Files.getPosixFilePermissions(reason)).doesNotContain(PosixFilePermission.OTHERS_READ);
		}
		assertThat(Files.getPosixFilePermissions(error)).doesNotContain(PosixFilePermission.OTHERS_READ,
				PosixFilePermission.OTHERS_EXECUTE);
		assertThat(Files.readString(Path.of("target/test-app.log"))).doesNotContain(CANARY.substring(0, 15));
		assertThat(Files.readString(secret)).contains(CANARY); // the link was moved, not
																// its target
	}

	@Test
	void nothingIsReadFromAnInboxOthersMayWriteIntoUntilItIsClosed() throws IOException {
		Set<PosixFilePermission> before = Files.getPosixFilePermissions(folder);
		Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
		try {
			drop("waiting.json", anOrder().withSubdomain("inbox-waiting").withTier("platinum").build());
			await().during(Duration.ofSeconds(3))
				.atMost(Duration.ofSeconds(5))
				.until(() -> Files.exists(folder.resolve("waiting.json")));
		}
		finally {
			Files.setPosixFilePermissions(folder, before);
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(error.resolve("waiting.json.error.txt")));
	}

	@Test
	void theOrderFoldersAreCreatedForOwnerAndGroupOnly() throws IOException {
		Path fresh = Path.of("target/inbox-guard/orders");
		new Inbox(new IntakeProperties(intake.queue(), intake.deadLetterQueue(), intake.brokerAcceptor(),
				intake.brokerMaxDeliveryAttempts(), intake.queueConsumers(), fresh, intake.readLockCheckInterval(),
				intake.maximumRedeliveries(), intake.redeliveryDelay(), intake.maximumRedeliveryDelay(),
				intake.inboxOwners()));

		for (String name : new String[] { "", "inbox", "done", "error" }) {
			assertThat(Files.getPosixFilePermissions(fresh.resolve(name))).as(name)
				.isEqualTo(PosixFilePermissions.fromString("rwxrwx---"));
		}
	}

	/** Writes the file elsewhere and moves it in, as a careful producer does. */
	private void drop(String name, String content) throws IOException {
		Path staged = Files.writeString(folder.getParent().resolve(name + ".staged"), content);
		Files.move(staged, folder.resolve(name));
	}

}
