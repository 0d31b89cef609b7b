package io.tenantforge.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.tenantforge.support.RetryableException;

/**
 * Runs a dump program (pg_dump) to its end or its timeout. Its messages go to a file, not
 * to a pipe read to its end before waiting: a program that hangs, or fills a pipe nobody
 * reads, cannot keep the timeout from firing. On the timeout the program is destroyed and
 * the fault is transient (the archive step is retried).
 */
final class DumpProcess {

	private DumpProcess() {
	}

	/**
	 * Runs {@code command} with {@code environment} added; its standard output and error
	 * go to {@code messages} (deleted afterwards). Returns those messages when it exits 0
	 * within {@code timeout}.
	 */
	static String run(String what, List<String> command, Map<String, String> environment, Path messages,
			Duration timeout) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(messages.toFile());
		builder.environment().putAll(environment);
		Process process = builder.start();
		try {
			boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new RetryableException(what + " timed out");
			}
			String output = Files.readString(messages, StandardCharsets.UTF_8).strip();
			if (process.exitValue() != 0) {
				throw new RetryableException(what + " exited " + process.exitValue() + ": " + output);
			}
			return output;
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
			}
			Files.deleteIfExists(messages);
		}
	}

}
