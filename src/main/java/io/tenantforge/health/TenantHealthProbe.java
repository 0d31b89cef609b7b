package io.tenantforge.health;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.tenantforge.support.StepFailedException;

import org.springframework.stereotype.Component;

/**
 * Asks a tenant's own {@code /health} endpoint, on 127.0.0.1, whether it serves. The control plane probes itself
 * instead of waiting for Docker's HEALTHCHECK, whose interval is kept long to spare the CPU.
 */
@Component
public class TenantHealthProbe {

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

	/** One probe: empty when healthy, else what went wrong. */
	public Optional<String> probe(int port) {
		return probe(port, REQUEST_TIMEOUT);
	}

	/** One probe that gives up after {@code timeout}: empty when healthy, else what went wrong. */
	public Optional<String> probe(int port, Duration timeout) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
			.timeout(timeout)
			.GET()
			.build();
		try {
			HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
			return response.statusCode() == 200 ? Optional.empty()
					: Optional.of("/health answered " + response.statusCode());
		}
		catch (IOException e) {
			return Optional.of("/health unreachable: " + e.getClass().getSimpleName()
					+ (e.getMessage() == null ? "" : " " + e.getMessage()));
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			return Optional.of("interrupted");
		}
	}

	/** Probes until healthy, for at most {@code startPeriod}; fails the step with the last problem seen. */
	public void awaitHealthy(String tenantId, int port, Duration startPeriod) {
		Instant deadline = Instant.now().plus(startPeriod);
		String problem = "never probed";
		while (Instant.now().isBefore(deadline)) {
			Optional<String> result = probe(port);
			if (result.isEmpty()) {
				return;
			}
			problem = result.get();
			LockSupport.parkNanos(POLL_NANOS);
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
		}
		throw new StepFailedException("tenant " + tenantId + " did not become healthy on 127.0.0.1:" + port
				+ " within " + startPeriod.toSeconds() + "s: " + problem);
	}

}
