package io.tenantforge.routing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.PublicUrls;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantDomains;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Which tenant a hostname the router served belongs to: its own
 * {@code <id>.<base-domain>} or one of its custom domains, for tenants that are not
 * deleted. Anything else is {@link #UNKNOWN}, so a client sending made-up {@code Host}
 * headers adds no metric series. The table is read from the database: again when a
 * hostname is not in it (at most once a {@link #MISS_REFRESH}: a tenant just created or
 * given a domain), and at the latest after {@link #MAX_AGE} (a tenant deleted).
 */
@Component
class TenantHosts {

	/** The tenant of every hostname that is no live tenant's. */
	static final String UNKNOWN = "unknown";

	static final Duration MISS_REFRESH = Duration.ofSeconds(1);

	static final Duration MAX_AGE = Duration.ofSeconds(30);

	private static final Logger log = LoggerFactory.getLogger(TenantHosts.class);

	/** Reads the table from the database. */
	private final Supplier<Map<String, String>> reader;

	private final Clock clock;

	private record Table(Map<String, String> tenants, Instant readAt) {
	}

	private volatile Table table = new Table(Map.of(), Instant.EPOCH);

	@Autowired
	TenantHosts(TenantStore store, TenantDomains domains, PublicUrls urls) {
		this(() -> table(store.findAll(), domains.all(), urls), Clock.systemUTC());
	}

	TenantHosts(Supplier<Map<String, String>> reader, Clock clock) {
		this.reader = reader;
		this.clock = clock;
	}

	/** The tenant id of this hostname (lower-case, no port), or {@link #UNKNOWN}. */
	String tenantOf(String host) {
		Table current = table;
		String tenant = current.tenants().get(host);
		if (older(current, tenant == null ? MISS_REFRESH : MAX_AGE)) {
			tenant = reread(current).tenants().get(host);
		}
		return tenant == null ? UNKNOWN : tenant;
	}

	/**
	 * Every live tenant's hostnames, to its id: its own under the base domain, and its
	 * custom domains.
	 */
	static Map<String, String> table(List<Tenant> tenants, Map<String, List<String>> allDomains, PublicUrls urls) {
		Map<String, String> table = new HashMap<>();
		for (Tenant tenant : tenants) {
			if (tenant.status() == TenantStatus.DELETED) {
				continue;
			}
			table.put(urls.hostname(tenant.id()), tenant.id());
			for (String domain : allDomains.getOrDefault(tenant.id(), List.of())) {
				table.put(domain, tenant.id());
			}
		}
		return Map.copyOf(table);
	}

	private boolean older(Table current, Duration age) {
		return current.readAt().plus(age).isBefore(clock.instant());
	}

	/** One reader at a time; the others take what it read. */
	private synchronized Table reread(Table seen) {
		if (table != seen) {
			return table;
		}
		try {
			table = new Table(reader.get(), clock.instant());
		}
		catch (RuntimeException e) {
			// the database away: keep counting with what is known, try again later
			log.warn("Router metrics: tenants' hostnames not read ({}); keeping the last table", e.getMessage());
			table = new Table(seen.tenants(), clock.instant());
		}
		return table;
	}

}
