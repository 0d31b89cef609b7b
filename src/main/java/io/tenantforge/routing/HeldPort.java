package io.tenantforge.routing;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Camel route that listens on a fixed port of 127.0.0.1 the router connects to, held by
 * one control plane at a time: with several on one host, the first to start the route
 * gets the port, the others fail to and try again later ({@link #claim} at each sweep),
 * so one of them takes over when the holder stops. The router is configured with that one
 * address, so whichever control plane holds it answers.
 */
final class HeldPort {

	private static final Logger log = LoggerFactory.getLogger(HeldPort.class);

	private final CamelContext camel;

	private final String route;

	private final String what;

	private final int port;

	private volatile String notListening = "not started";

	/**
	 * @param route the id of the route (not started at start-up: {@code autoStartup:
	 * false})
	 * @param what what it listens for, for the log
	 */
	HeldPort(CamelContext camel, String route, String what, int port) {
		this.camel = camel;
		this.route = route;
		this.what = what;
		this.port = port;
	}

	/**
	 * Starts the route if this control plane does not listen yet. Never throws.
	 * @param onListening run once the route has just started (not when it already
	 * listened)
	 * @return whether this control plane now listens
	 */
	synchronized boolean claim(Runnable onListening) {
		if (listening()) {
			return true;
		}
		try {
			camel.getRouteController().startRoute(route);
		}
		catch (Exception portTaken) {
			String why = "port 127.0.0.1:" + port + " not taken: " + portTaken.getMessage();
			if (why.equals(notListening)) {
				log.debug("{}: {}", what, why); // each sweep: said once is enough
			}
			else {
				log.info("{}: {} (another control plane's?)", what, why);
			}
			notListening = why;
			stopQuietly();
			return false;
		}
		log.info("{}: listening on 127.0.0.1:{}", what, port);
		onListening.run();
		return true;
	}

	boolean listening() {
		return camel.getRouteController().getRouteStatus(route) == ServiceStatus.Started;
	}

	/** Why this control plane does not listen, when it does not. */
	String notListening() {
		return notListening;
	}

	private void stopQuietly() {
		try {
			camel.getRouteController().stopRoute(route);
		}
		catch (Exception e) {
			log.debug("{}: route {} not stopped: {}", what, route, e.getMessage());
		}
	}

}
