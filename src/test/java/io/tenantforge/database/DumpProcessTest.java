package io.tenantforge.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.tenantforge.support.RetryableException;
import io.tenantforge.support.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pg_dump run's timeout fires while the program hangs, even after it wrote more than
 * a pipe holds, and the hanging program is destroyed. A shell script in pg_dump's place
 * is the hanging program: a real pg_dump cannot be made to hang on purpose.
 */
@UnitTest
class DumpProcessTest {

	@TempDir
	Path dir;

	@Test
	void aDumpThatHangsAfterFillingThePipeTimesOutAndIsDestroyed() throws Exception {
		Path pid = dir.resolve("pid");
		// 1 MB of messages (a pipe holds 64 KB), then hang as the same process
		Path hanging = script("hanging",
				"echo $$ > " + pid + "\nhead -c 1048576 /dev/zero | tr '\\0' x >&2\nexec sleep 600\n");
		long started = System.nanoTime();

		assertThatThrownBy(() -> DumpProcess.run("pg_dump of tenant_acme", List.of(hanging.toString()), Map.of(),
				dir.resolve("messages.log"), Duration.ofSeconds(2)))
			.isInstanceOf(RetryableException.class)
			.hasMessage("pg_dump of tenant_acme timed out");

		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
		long hangingPid = Long.parseLong(Files.readString(pid).strip());
		assertThat(ProcessHandle.of(hangingPid).map(ProcessHandle::isAlive).orElse(false)).as("destroyed").isFalse();
		assertThat(dir.resolve("messages.log")).doesNotExist();
	}

	@Test
	void aDumpThatFailsIsTransientWithItsMessagesAndOneThatSucceedsReturnsThem() throws Exception {
		Path failing = script("failing", "echo 'connection refused' >&2\nexit 1\n");
		Path succeeding = script("succeeding", "echo \"dumped as $PGUSER\"\n");

		assertThatThrownBy(() -> DumpProcess.run("pg_dump of tenant_acme", List.of(failing.toString()), Map.of(),
				dir.resolve("failing.log"), Duration.ofSeconds(10)))
			.isInstanceOf(RetryableException.class)
			.hasMessage("pg_dump of tenant_acme exited 1: connection refused");
		assertThat(DumpProcess.run("pg_dump of tenant_acme", List.of(succeeding.toString()), Map.of("PGUSER", "acme"),
				dir.resolve("succeeding.log"), Duration.ofSeconds(10)))
			.isEqualTo("dumped as acme");
	}

	private Path script(String name, String body) throws IOException {
		Path script = dir.resolve(name + ".sh");
		Files.writeString(script, "#!/bin/sh\n" + body);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
		return script;
	}

}
