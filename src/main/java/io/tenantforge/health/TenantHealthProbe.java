package io.tenantforge.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.CallScope;
import io.tenantforge.support.Gateway;
import io.tenantforge.support.Sha256;
import io.tenantforge.support.StepFailedException;

import org.springframework.stereotype.Component;

/**
 * Asks a tenant's own {@code /health} endpoint, on 127.0.0.1, whether it serves, and
 * makes the answer prove it comes from the tenant's own container. The control plane
 * probes itself instead of waiting for Docker's HEALTHCHECK, whose interval is kept long
 * to spare the CPU.
 * <p>
 * Tenants share the host's network: any process, another tenant's included, may listen on
 * a tenant's port while that tenant is down, and a bare 200 would then mark the tenant
 * ACTIVE with someone else's answer. So every probe sends a fresh random nonce
 * ({@code GET /health?nonce=N}) and the answer must carry
 * {@code {"tenant":"<id>","nonce":"N","proof":"<hex SHA-256 of health token || N>"}}, the
 * health token being a secret only the tenant's container has (the file
 * {@code /run/secrets/health_token}). A fresh nonce per probe means a sniffed answer
 * cannot be replayed. SHA-256 of token then nonce rather than an HMAC: the product image
 * may be as small as a busybox, which has {@code sha256sum} but no HMAC; with the secret
 * first and a fixed-form nonce the prober chose, length extension cannot forge an answer
 * to a nonce the prober sends.
 */
@Component
public class TenantHealthProbe {

	/**
	 * What every answer without a valid proof says, so operators and tests can tell it
	 * from a sick tenant.
	 */
	public static final String IDENTITY_PROBLEM = "without the tenant's identity";

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

	/** How often a starting tenant is probed: as often as the raw script polls. */
	private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	/** More than any honest answer needs; an impostor's endless body is cut here. */
	private static final int MAX_BODY = 4096;

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

	private final SecureRandom random = new SecureRandom();

	/**
	 * One probe: empty when healthy and proven to be the tenant, else what went wrong.
	 */
	public Optional<String> probe(String tenantId, int port, String healthToken) {
		return probe(tenantId, port, healthToken, REQUEST_TIMEOUT);
	}

	/**
	 * One probe that gives up after {@code timeout}: empty when the endpoint answered 200
	 * with the tenant's identity proof, else what went wrong.
	 */
	public Optional<String> probe(String tenantId, int port, String healthToken, Duration timeout) {
		if (healthToken == null || healthToken.isEmpty()) {
			return Optional.of("no health token recorded for tenant " + tenantId + ": /health cannot be trusted");
		}
		String nonce = nonce();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health?nonce=" + nonce))
			.timeout(timeout)
			.GET()
			.build();
		CallScope.record(Gateway.HEALTH_PROBE);
		try {
			HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			byte[] body;
			try (InputStream in = response.body()) {
				body = in.readNBytes(MAX_BODY);
			}
			if (response.statusCode() != 200) {
				return Optional.of("/health answered " + response.statusCode());
			}
			return identityProblem(tenantId, port, healthToken, nonce, new String(body, StandardCharsets.UTF_8));
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

	/**
	 * Probes until healthy, for at most {@code startPeriod}; fails the step with the last
	 * problem seen.
	 */
	public void awaitHealthy(String tenantId, int port, String healthToken, Duration startPeriod) {
		Instant deadline = Instant.now().plus(startPeriod);
		String problem = "never probed";
		while (Instant.now().isBefore(deadline)) {
			Optional<String> result = probe(tenantId, port, healthToken);
			if (result.isEmpty()) {
				return;
			}
			problem = result.get();
			LockSupport.parkNanos(POLL_NANOS);
			if (Thread.currentThread().isInterrupted()) {
				break;
			}
		}
		throw new StepFailedException("tenant " + tenantId + " did not become healthy on 127.0.0.1:" + port + " within "
				+ startPeriod.toSeconds() + "s: " + problem);
	}

	/**
	 * Whether a 200 answer proves the tenant's identity for this nonce; empty when it
	 * does. Never quotes the answer: it may come from anyone.
	 */
	static Optional<String> identityProblem(String tenantId, int port, String healthToken, String nonce, String body) {
		String suspect = ": another process may be listening on 127.0.0.1:" + port;
		JsonNode answer;
		try {
			answer = JSON.readTree(body);
		}
		catch (JsonProcessingException e) {
			answer = null;
		}
		if (answer == null || !answer.isObject() || !answer.path("proof").isTextual()) {
			return Optional.of("/health answered 200 " + IDENTITY_PROBLEM + " (no proof of tenant " + tenantId
					+ "'s health token)" + suspect);
		}
		boolean proven = tenantId.equals(answer.path("tenant").asText()) && nonce.equals(answer.path("nonce").asText())
				&& MessageDigest.isEqual(proof(healthToken, nonce).getBytes(StandardCharsets.US_ASCII),
						answer.path("proof").asText().getBytes(StandardCharsets.US_ASCII));
		return proven ? Optional.empty() : Optional.of("/health answered 200 " + IDENTITY_PROBLEM
				+ " (a wrong proof of tenant " + tenantId + "'s health token)" + suspect);
	}

	/**
	 * Lowercase hex SHA-256 of the token's bytes followed by the nonce's: what the tenant
	 * must answer.
	 */
	static String proof(String healthToken, String nonce) {
		return Sha256.hex(healthToken + nonce);
	}

	/**
	 * 128 random bits as 32 hex characters: a fixed form the tenant can check and no
	 * padding can extend.
	 */
	private String nonce() {
		byte[] raw = new byte[16];
		random.nextBytes(raw);
		return HexFormat.of().formatHex(raw);
	}

}
