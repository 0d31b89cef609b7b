package io.tenantforge.routing;

import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts the router's access log per tenant (route {@code router-access-log} hands it
 * every line): {@code tenantforge_router_requests_total{tenant,code}} with the status
 * class as {@code code} ({@code 2xx}, {@code 5xx}, …), and the server errors again as
 * {@code tenantforge_router_errors_total{tenant}}. Hostnames of no live tenant count as
 * {@code tenant="unknown"}, never under their own name: the series stay as many as the
 * tenants. Lines that are no access-log entry count in
 * {@code tenantforge_router_log_lines_unreadable_total}.
 */
@Component
public class RouterTraffic {

	private final TenantHosts hosts;

	private final MeterRegistry registry;

	private final ObjectMapper json;

	private final Counter unreadable;

	RouterTraffic(TenantHosts hosts, MeterRegistry registry, ObjectMapper json) {
		this.hosts = hosts;
		this.registry = registry;
		this.json = json;
		this.unreadable = Counter.builder("tenantforge.router.log.lines.unreadable")
			.description("Lines of the router's access log that were no access-log entry")
			.register(registry);
	}

	/** One line of the router's access log. */
	public void count(String line) {
		Optional<AccessLogEntry> entry = AccessLogEntry.parse(line, json);
		if (entry.isEmpty()) {
			unreadable.increment();
			return;
		}
		String tenant = hosts.tenantOf(entry.get().host());
		Counter.builder("tenantforge.router.requests")
			.description("Requests the router answered, by tenant and status class")
			.tag("tenant", tenant)
			.tag("code", entry.get().code())
			.register(registry)
			.increment();
		if (entry.get().serverError()) {
			Counter.builder("tenantforge.router.errors")
				.description("Requests the router answered with a 5xx, by tenant")
				.tag("tenant", tenant)
				.register(registry)
				.increment();
		}
	}

}
