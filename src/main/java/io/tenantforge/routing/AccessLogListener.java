package io.tenantforge.routing;

import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The control plane's end of the router's access log: route {@value #ROUTE} listens on
 * 127.0.0.1:{@code access-log-port}, and once it does, the router is told to send its
 * access log there. With several control planes on one host only one gets the port, and
 * only it counts: Caddy's writer has one address, so each request is counted once. The
 * others try again at each sweep ({@link RouteCheck}), so one of them takes over when the
 * one holding the port stops (Caddy connects again within 10 s).
 */
@Component("routerAccessLog")
class AccessLogListener {

	static final String ROUTE = "router-access-log";

	private static final Logger log = LoggerFactory.getLogger(AccessLogListener.class);

	private final RoutingProperties settings;

	private final CaddyGateway gateway;

	private final HeldPort port;

	AccessLogListener(RoutingProperties settings, CamelContext camel, CaddyGateway gateway) {
		this.settings = settings;
		this.gateway = gateway;
		this.port = new HeldPort(camel, ROUTE, "Router access log", settings.accessLogPort());
	}

	@EventListener(ApplicationReadyEvent.class)
	void started() {
		claim();
	}

	/**
	 * Listens, if this control plane does not yet (a no-op with the access log off); on
	 * success also sets the router's access log (it can only be set while someone
	 * listens). Never throws.
	 * @return whether this control plane now listens
	 */
	boolean claim() {
		if (!settings.accessLogEnabled()) {
			return false;
		}
		return port.claim(() -> {
			try {
				gateway.ensureAccessLog();
			}
			catch (RuntimeException routerAway) {
				log.warn("Router access log not set (the sweep tries again): {}", routerAway.getMessage());
			}
		});
	}

	boolean listening() {
		return port.listening();
	}

	/** Why this control plane does not listen, when it does not. */
	String notListening() {
		return port.notListening();
	}

}
