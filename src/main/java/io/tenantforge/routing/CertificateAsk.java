package io.tenantforge.routing;

import java.util.Locale;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.tenantforge.tenant.DesiredState;
import io.tenantforge.tenant.TenantDomains;
import io.tenantforge.tenant.TenantStatus;
import io.tenantforge.tenant.TenantStore;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The control plane's answer to the router's question "may I issue a certificate for this
 * hostname?" (Caddy's on-demand TLS {@code ask}): route {@value #ROUTE} takes {@code GET}
 * {@value #PATH}{@code ?domain=<hostname>} on 127.0.0.1:{@code ask-port}, and answers 200
 * for a live tenant's hostname (its own under the base domain, or a custom domain it
 * holds), 403 for anything else, so a client sending made-up SNI names gets no
 * certificate issued for them. Read from the database at each question: the router asks
 * once per new hostname, right after the route step set its route.
 * <p>
 * Why on demand: Caddy 2.6 builds a new certificate cache at each config change and loads
 * every managed certificate into it again, after its server is already accepting
 * connections, so a handshake at that moment finds no certificate (benchmark scenario 7:
 * 419 of 4206 requests refused at 500 routes). On-demand certificates are loaded from the
 * router's storage during the handshake that needs them.
 * <p>
 * Like the access log, the port is held by one control plane at a time
 * ({@link HeldPort}).
 */
@Component("routerAsk")
class CertificateAsk {

	static final String ROUTE = "router-ask";

	static final String PATH = "/router/ask";

	private static final Logger log = LoggerFactory.getLogger(CertificateAsk.class);

	private final RoutingProperties settings;

	private final TenantStore store;

	private final TenantDomains domains;

	private final HeldPort port;

	CertificateAsk(RoutingProperties settings, CamelContext camel, TenantStore store, TenantDomains domains) {
		this.settings = settings;
		this.store = store;
		this.domains = domains;
		this.port = new HeldPort(camel, ROUTE, "Router certificate ask", settings.askPort());
	}

	@EventListener(ApplicationReadyEvent.class)
	void started() {
		claim();
	}

	/**
	 * Listens, if this control plane does not yet (a no-op with on-demand certificates
	 * off). Never throws.
	 * @return whether this control plane now listens
	 */
	boolean claim() {
		return settings.onDemandCertificates() && port.claim(() -> {
		});
	}

	/** The route's answer: 200 when {@link #allowed}, else 403. */
	void answer(@Header("domain") String domain, Exchange exchange) {
		boolean allowed = allowed(domain);
		log.debug("Router asks for a certificate for {}: {}", domain, allowed ? "yes" : "no");
		exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, allowed ? 200 : 403);
		exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=utf-8");
		exchange.getMessage().setBody(allowed ? "yes\n" : "no: not a live tenant's hostname\n");
	}

	/**
	 * Whether {@code hostname} is a live tenant's (not deleted, not to be deleted):
	 * {@code <id>.<base domain>} with no further label, or a custom domain a tenant
	 * holds.
	 */
	boolean allowed(String hostname) {
		if (hostname == null || hostname.isBlank()) {
			return false;
		}
		String host = hostname.toLowerCase(Locale.ROOT);
		String suffix = "." + settings.baseDomain();
		Optional<String> tenantId;
		if (host.endsWith(suffix)) {
			String label = host.substring(0, host.length() - suffix.length());
			tenantId = label.isEmpty() || label.contains(".") ? Optional.empty() : Optional.of(label);
		}
		else {
			tenantId = domains.owner(host);
		}
		// a tenant being deleted is refused too: its certificates are being removed
		return tenantId.flatMap(store::find)
			.filter(t -> t.status() != TenantStatus.DELETED && t.desiredState() != DesiredState.DELETED)
			.isPresent();
	}

}
