package io.tenantforge.support;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Test data builder of orders:
 * {@code TenantOrders.anOrder().withSubdomain("acme").build()}.
 */
public final class TenantOrders {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Map<String, Object> fields = new LinkedHashMap<>();

	private TenantOrders() {
		fields.put("name", "Acme Corp");
		fields.put("subdomain", "acme");
		fields.put("tier", "basic");
	}

	public static TenantOrders anOrder() {
		return new TenantOrders();
	}

	public TenantOrders withName(Object name) {
		fields.put("name", name);
		return this;
	}

	public TenantOrders withSubdomain(Object subdomain) {
		fields.put("subdomain", subdomain);
		return this;
	}

	public TenantOrders withTier(Object tier) {
		fields.put("tier", tier);
		return this;
	}

	public TenantOrders withOrderId(Object orderId) {
		fields.put("orderId", orderId);
		return this;
	}

	public TenantOrders with(String field, Object value) {
		fields.put(field, value);
		return this;
	}

	public TenantOrders without(String field) {
		fields.remove(field);
		return this;
	}

	public String build() {
		try {
			return JSON.writeValueAsString(fields);
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException(e);
		}
	}

}
