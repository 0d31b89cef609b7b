package io.tenantforge.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.RetryableException;
import io.tenantforge.support.StepFailedException;

/**
 * Runs pg_dump or pg_restore with a timeout that fires even while the program hangs: its
 * messages go to a file, never to a pipe read to its end before {@code waitFor} (which
 * would block as long as the program does). A program that outlives the timeout is killed
 * and the run is a transient fault; a non-zero exit fails for good.
 */
final class Processes {

	private static final Logger log = LoggerFactory.getLogger(Processes.class);

	private Processes() {
	}

	static void run(String what, List<String> command, Map<String, String> environment, Path workDir,
			Duration timeout) {
		Path messages = null;
		try {
			Files.createDirectories(workDir);
			messages = Files.createTempFile(workDir, "process-", ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(messages.toFile());
			builder.environment().putAll(environment);
			Process process = builder.start();
			boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!finished) {
				process.destroyForcibly();
				process.waitFor(10, TimeUnit.SECONDS);
				throw new RetryableException(what + " did not finish within " + timeout.toSeconds() + "s: killed");
			}
			if (process.exitValue() != 0) {
				// the messages may quote the tenant's data (a failing COPY line): the log
				// has them, the answer not
				log.warn("{} exited {}: {}", what, process.exitValue(), tail(messages));
				throw new StepFailedException(
						what + " exited " + process.exitValue() + " (its messages are in the " + "control-plane log)");
			}
		}
		catch (IOException e) {
			throw new StepFailedException("cannot run " + what + " (" + command.get(0) + "): " + e.getMessage(), e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new RetryableException("interrupted while running " + what, e);
		}
		finally {
			if (messages != null) {
				try {
					Files.deleteIfExists(messages);
				}
				catch (IOException ignored) {
					// a stray log file in the work folder; the next run does not read it
				}
			}
		}
	}

	private static String tail(Path messages) throws IOException {
		String text = Files.readString(messages, StandardCharsets.UTF_8).strip();
		return text.length() <= 2000 ? text : "…" + text.substring(text.length() - 2000);
	}

}
