package io.tenantforge.tenant;

import java.util.List;

import io.tenantforge.support.NotFoundException;

import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** The read side of the API: tenants as views. */
@Component
public class TenantQueries {

	private final TenantStore store;

	public TenantQueries(TenantStore store) {
		this.store = store;
	}

	public List<TenantView> list() {
		return store.findAll().stream().map(TenantView::of).toList();
	}

	public TenantView get(@Header("id") String id) {
		return store.find(id).map(TenantView::of).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
	}

}
