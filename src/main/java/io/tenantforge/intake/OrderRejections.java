package io.tenantforge.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.Metrics;
import io.tenantforge.support.OverBudgetException;
import io.tenantforge.support.TransientFaults;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Says why an order was not taken, in the terms of its channel: a DLQ header, or a reason
 * file beside it.
 */
@Component
public class OrderRejections {

	/** The DLQ header with the reason an order was rejected. */
	public static final String REASON_HEADER = "TenantforgeRejectReason";

	private static final Logger log = LoggerFactory.getLogger(OrderRejections.class);

	private final IntakeProperties properties;

	private final Metrics metrics;

	public OrderRejections(IntakeProperties properties, Metrics metrics) {
		this.properties = properties;
		this.metrics = metrics;
	}

	/**
	 * Counts what IntakeService did not count itself: invalid orders, and orders a fault
	 * kept from being recorded.
	 */
	void count(Exchange exchange, String channel) {
		Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
		if (cause instanceof InvalidOrderException) {
			metrics.order(channel, "rejected");
		}
		else if (cause instanceof OverBudgetException) {
			metrics.order(channel, "over-budget");
		}
		else if (!(cause instanceof ConflictException)) {
			metrics.order(channel, "unavailable");
		}
	}

	/** A human-readable reason, from the exception the exchange failed with. */
	public static String reason(Exchange exchange) {
		Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
		if (cause == null) {
			cause = exchange.getException();
		}
		if (cause instanceof InvalidOrderException invalid) {
			return "invalid order: " + invalid.getMessage();
		}
		if (cause instanceof OverBudgetException over) {
			return "over budget: " + over.getMessage();
		}
		if (cause instanceof ConflictException conflict) {
			return "conflict: " + conflict.getMessage();
		}
		if (cause != null && TransientFaults.isTransient(cause)) {
			return "not recorded after retries, a service was unreachable: " + cause.getMessage();
		}
		return "not recorded: "
				+ (cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
	}

	/** Marks a queued order for the dead-letter queue. */
	public void toDeadLetter(Exchange exchange) {
		String reason = reason(exchange);
		count(exchange, "queue");
		log.warn("Order from the queue sent to {}: {}", properties.deadLetterQueue(), reason);
		exchange.getMessage().setHeader(REASON_HEADER, reason);
		exchange.getMessage().setHeader("TenantforgeRejectedAt", Instant.now().toString());
	}

	/**
	 * Writes {@code error/<file>.error.txt}; the file itself is moved to {@code error/}
	 * by the file consumer.
	 */
	public void writeReasonFile(Exchange exchange) {
		String fileName = exchange.getMessage().getHeader(Exchange.FILE_NAME_ONLY, String.class);
		String reason = reason(exchange);
		count(exchange, "file");
		log.warn("Order file {} rejected: {}", fileName, reason);
		Path errorDir = properties.errorDir();
		try {
			if (!Files.isDirectory(errorDir)) {
				Files.createDirectories(errorDir);
				Files.setPosixFilePermissions(errorDir, Inbox.FOLDER_MODE);
			}
			Path reasonFile = errorDir.resolve(fileName + ".error.txt");
			Files.deleteIfExists(reasonFile);
			// owner and group only, like the folders: the reason may name what was in the
			// order
			Files.createFile(reasonFile,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
			Files.writeString(reasonFile, fileName + " was rejected at " + Instant.now() + "\n" + reason + "\n");
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot write the reason file of " + fileName, e);
		}
	}

}
