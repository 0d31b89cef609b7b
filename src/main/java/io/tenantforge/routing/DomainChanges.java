package io.tenantforge.routing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.support.ConflictException;
import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.InvalidOrderException.FieldError;
import io.tenantforge.support.NotFoundException;
import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.Tenant;
import io.tenantforge.tenant.TenantDomains;
import io.tenantforge.tenant.TenantStore;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * {@code PUT /api/v1/tenants/{id}/domains}: checks the domains on the raw body
 * ({@link Hostnames}), records them (a domain another tenant holds: 409, from the table's
 * unique key) and the tenant's next generation, so the reconciler sets its route with the
 * new hostnames.
 */
@Component
public class DomainChanges {

	private static final Logger log = LoggerFactory.getLogger(DomainChanges.class);

	private final RoutingProperties settings;

	private final TenantStore store;

	private final TenantDomains domains;

	private final ObjectMapper json;

	DomainChanges(RoutingProperties settings, TenantStore store, TenantDomains domains, ObjectMapper json) {
		this.settings = settings;
		this.store = store;
		this.domains = domains;
		this.json = json;
	}

	public Tenant replace(@Header("id") String id, byte[] body) {
		List<String> wanted = parse(body);
		Tenant tenant = store.find(id).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
		if (tenant.desiredState() == DesiredState.DELETED) {
			throw new ConflictException("cannot set the domains of tenant '" + id + "': it is " + tenant.status());
		}
		domains.replace(id, wanted);
		log.info("Tenant {}: domains {}", id, wanted);
		return store.changeDesired(id, tenant.desiredState(), null, tenant.status())
			.orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
	}

	private List<String> parse(byte[] body) {
		JsonNode root;
		try {
			root = json.readTree(body);
		}
		catch (IOException e) {
			throw new InvalidOrderException("body", "must be a JSON object {\"domains\": [...]}");
		}
		if (root == null || !root.isObject()) {
			throw new InvalidOrderException("body", "must be a JSON object {\"domains\": [...]}");
		}
		List<FieldError> errors = new ArrayList<>();
		for (Iterator<String> names = root.fieldNames(); names.hasNext();) {
			String name = names.next();
			if (!name.equals("domains")) {
				errors.add(new FieldError(name.length() > 40 ? "body" : name, "unknown field"));
			}
		}
		JsonNode list = root.get("domains");
		if (list == null || !list.isArray()) {
			errors.add(new FieldError("domains", "required: an array of hostnames"));
			throw new InvalidOrderException(errors);
		}
		List<Object> raw = new ArrayList<>();
		list.forEach(item -> raw.add(item.isTextual() ? item.textValue() : item));
		errors.addAll(Hostnames.problems(raw, settings.baseDomain()));
		if (!errors.isEmpty()) {
			throw new InvalidOrderException(errors);
		}
		return raw.stream().map(String.class::cast).toList();
	}

}
