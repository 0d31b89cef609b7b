package io.tenantforge.provisioning;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.tenantforge.runtime.TenantRuntime;
import io.tenantforge.support.DaemonThreads;
import io.tenantforge.support.Mdc;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.Tier;

import org.springframework.stereotype.Component;

/**
 * A first provisioning's container, made (not started) while the database and cache steps
 * run: its spec needs only the tenant's names, tier, image and secrets, all known when
 * the reconcile starts (issue 16: the engine's create took ~30 ms of an order's ~200).
 * The container step takes what was made; it starts the container only after the database
 * and cache steps, as before. An early attempt that failed is forgotten: the container
 * step makes the container itself, with its own fault handling and retries. A reconcile
 * waits for its early attempt before it fails or gives the tenant's lock back, so nothing
 * is made for a tenant whose lock another holds.
 */
@Component
class EarlyContainers {

	private static final Logger log = LoggerFactory.getLogger(EarlyContainers.class);

	private final TenantRuntime containers;

	private final ExecutorService creators;

	private final Map<String, CompletableFuture<TenantRuntime.Prepared>> made = new ConcurrentHashMap<>();

	EarlyContainers(TenantRuntime containers, ProvisioningProperties properties) {
		this.containers = containers;
		this.creators = Executors.newFixedThreadPool(Math.max(1, properties.concurrency()),
				DaemonThreads.named("container-early"));
	}

	/**
	 * Starts making the container of a tenant provisioned for the first time (no port
	 * yet) on the docker driver; does nothing otherwise.
	 */
	void start(Tenant tenant, Tier tier, String image) {
		if (tenant.port() != null || !containers.dockerEndpoints()) {
			return;
		}
		made.computeIfAbsent(tenant.id(), id -> CompletableFuture.supplyAsync(() -> {
			MDC.put(Mdc.TENANT, id);
			try {
				return containers.prepare(tenant, tier, image);
			}
			finally {
				MDC.remove(Mdc.TENANT);
			}
		}, creators));
	}

	/**
	 * What the early attempt made, once it is done; empty when there was none or it
	 * failed (the caller makes the container itself).
	 */
	Optional<TenantRuntime.Prepared> take(String tenantId) {
		CompletableFuture<TenantRuntime.Prepared> early = made.remove(tenantId);
		if (early == null) {
			return Optional.empty();
		}
		try {
			return Optional.of(early.join());
		}
		catch (CompletionException failed) {
			log.debug("The early container attempt of {} failed ({}); the container step makes it", tenantId,
					failed.getCause() == null ? failed : failed.getCause().getMessage());
			return Optional.empty();
		}
	}

	/** Waits for the tenant's early attempt, if one is running, and forgets it. */
	void settle(String tenantId) {
		take(tenantId);
	}

	@PreDestroy
	void stop() {
		creators.shutdownNow();
	}

}
