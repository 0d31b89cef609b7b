package io.tenantforge.intake;

import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.Mdc;
import io.tenantforge.support.Metrics;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;
import io.tenantforge.tenant.TenantStore.RecordedOrder;

import org.springframework.stereotype.Component;

/**
 * Records a valid order as desired state, idempotently: the same order again (by order
 * id, or by the same spec for the same subdomain) yields the same tenant; a different
 * spec for a taken subdomain or order id is a conflict. Intake never touches PostgreSQL
 * roles, Redis or Docker: the reconciler does.
 */
@Component
public class IntakeService {

	private static final Logger log = LoggerFactory.getLogger(IntakeService.class);

	private final TenantStore store;

	private final Metrics metrics;

	public IntakeService(TenantStore store, Metrics metrics) {
		this.store = store;
		this.metrics = metrics;
	}

	public IntakeResult accept(TenantOrder order, String channel) {
		MDC.put(Mdc.TENANT, order.subdomain());
		if (order.orderId() != null) {
			MDC.put(Mdc.ORDER, order.orderId());
		}
		try {
			IntakeResult result = decide(order, channel);
			metrics.order(channel, result.created() ? "accepted" : "replayed");
			return result;
		}
		catch (ConflictException conflict) {
			metrics.order(channel, "conflict");
			throw conflict;
		}
		finally {
			MDC.remove(Mdc.TENANT);
			MDC.remove(Mdc.ORDER);
		}
	}

	private IntakeResult decide(TenantOrder order, String channel) {
		if (order.orderId() != null) {
			Optional<RecordedOrder> seen = store.findOrder(order.orderId());
			if (seen.isPresent()) {
				RecordedOrder recorded = seen.get();
				if (!order.sameSpecAs(recorded.name(), recorded.tenantId(), recorded.tier())) {
					throw new ConflictException("order id '" + order.orderId() + "' was already used for a different "
							+ "order (subdomain '" + recorded.tenantId() + "')");
				}
				return new IntakeResult(existing(order.subdomain()), false);
			}
		}
		Optional<Tenant> current = store.find(order.subdomain());
		if (current.isPresent()) {
			return replay(order, current.get(), channel);
		}
		if (store.insert(order.subdomain(), order.name(), order.tier(), order.orderId())) {
			record(order, channel);
			log.info("Accepted order for tenant {} (tier {}) from {}", order.subdomain(), order.tier(), channel);
			return new IntakeResult(existing(order.subdomain()), true);
		}
		// another order for the same subdomain was recorded a moment ago
		return replay(order, existing(order.subdomain()), channel);
	}

	private IntakeResult replay(TenantOrder order, Tenant tenant, String channel) {
		if (hasEnded(tenant)) {
			Tenant again = store.reorder(tenant.id(), order.name(), order.tier(), order.orderId()).orElseThrow();
			record(order, channel);
			log.info("Accepted order for tenant {} (tier {}) from {}: its earlier life had ended {}", again.id(),
					again.tier(), channel, tenant.status());
			return new IntakeResult(again, true);
		}
		if (tenant.desiredState() == DesiredState.DELETED) {
			throw new ConflictException(
					"subdomain '" + order.subdomain() + "' is being deleted; order it again " + "once it is DELETED");
		}
		if (!order.sameSpecAs(tenant.name(), tenant.id(), tenant.tier())) {
			throw new ConflictException(
					"subdomain '" + order.subdomain() + "' is taken by a tenant with a different " + "spec (name '"
							+ tenant.name() + "', tier '" + tenant.tier() + "', status " + tenant.status() + ")");
		}
		record(order, channel);
		return new IntakeResult(tenant, false);
	}

	/**
	 * A tenant whose subdomain is free again: deleted, or failed before it was ever
	 * active (and rolled back).
	 */
	private static boolean hasEnded(Tenant tenant) {
		return tenant.status() == TenantStatus.DELETED && tenant.desiredState() == DesiredState.DELETED
				|| tenant.status() == TenantStatus.FAILED && tenant.desiredState() == DesiredState.ACTIVE
						&& tenant.activatedAt() == null && tenant.observedGeneration() == tenant.generation();
	}

	private void record(TenantOrder order, String channel) {
		String orderId = order.orderId() != null ? order.orderId() : "auto-" + UUID.randomUUID();
		store.recordOrder(orderId, order.subdomain(), channel, order.name(), order.tier());
	}

	private Tenant existing(String id) {
		return store.find(id).orElseThrow(() -> new IllegalStateException("tenant " + id + " vanished"));
	}

}
