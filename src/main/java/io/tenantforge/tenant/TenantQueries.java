package io.tenantforge.tenant;

import java.util.ArrayList;
import java.util.List;

import io.tenantforge.support.InvalidOrderException;
import io.tenantforge.support.InvalidOrderException.FieldError;
import io.tenantforge.support.NotFoundException;

import org.apache.camel.Header;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** The read side of the API: tenants as views. */
@Component
public class TenantQueries {

	private final TenantStore store;

	private final TenantViews views;

	public TenantQueries(TenantStore store, TenantViews views) {
		this.store = store;
		this.views = views;
	}

	/** Largest page a client may ask for. */
	public static final int MAX_PAGE = 500;

	/**
	 * Exchange property with the path of the next page, which the response gives as
	 * {@code Link: <…>; rel="next"} (a property, not a header: request headers must never
	 * come back as response headers).
	 */
	public static final String NEXT_PAGE = "TenantforgeNextPage";

	/**
	 * Every tenant in id order; with {@code limit}, one page of at most that many after
	 * the id {@code after}, and a {@code Link: <…>; rel="next"} header while there may be
	 * more (keyset paging: stable while tenants are added).
	 */
	public List<TenantView> list(@Header("limit") String limit, @Header("after") String after, Exchange exchange) {
		if (limit == null && after == null) {
			return views.of(store.findAll());
		}
		List<FieldError> errors = new ArrayList<>();
		int size = MAX_PAGE;
		if (limit != null) {
			size = limit.matches("[0-9]{1,3}") ? Integer.parseInt(limit) : 0;
			if (size < 1 || size > MAX_PAGE) {
				errors.add(new FieldError("limit", "must be a whole number from 1 to " + MAX_PAGE));
			}
		}
		if (after != null && TenantNames.problemWith(after).isPresent()) {
			errors.add(new FieldError("after", "must be a tenant id"));
		}
		if (!errors.isEmpty()) {
			throw new InvalidOrderException(errors);
		}
		List<TenantView> page = views.of(store.findPage(after, size));
		if (page.size() == size) {
			exchange.setProperty(NEXT_PAGE,
					"/api/v1/tenants?limit=" + size + "&after=" + page.get(page.size() - 1).id());
		}
		return page;
	}

	public TenantView get(@Header("id") String id) {
		return store.find(id).map(views::of).orElseThrow(() -> new NotFoundException("no tenant '" + id + "'"));
	}

}
