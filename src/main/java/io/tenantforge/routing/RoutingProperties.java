package io.tenantforge.routing;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The router ({@code tenantforge.routing.*}): Caddy, configured only through its admin
 * API.
 *
 * @param enabled whether tenants get routes at all; off, the routing steps do nothing and
 * the sweep skips the router
 * @param baseDomain each tenant is served at {@code https://<subdomain>.<baseDomain>}
 * @param adminUrl Caddy's admin endpoint, e.g. {@code http://127.0.0.1:2019} (loopback
 * only: it is unauthenticated)
 * @param listenAddress the address the tenants' HTTPS server listens on (an explicit
 * address: {@code ""} binds all)
 * @param listenPort its port
 * @param publicPort the port clients use, as the tenant's {@code url} shows it (omitted
 * when 443); by default {@code listenPort}
 * @param certificateIssuer {@code internal} (Caddy's own CA: tests, private setups) or
 * {@code acme} (Let's Encrypt and the like: public DNS must point the hostnames at the
 * router)
 * @param acmeEmail the account e-mail for the ACME issuer (optional)
 * @param upstreamTryDuration how long the router keeps retrying a tenant's container that
 * refuses connections (a container being replaced) before answering 502
 * @param server the name of the HTTP server in Caddy's config that holds the tenants'
 * routes
 * @param accessLogPort the port on 127.0.0.1 where the control plane takes the router's
 * access log (Caddy's {@code net} log writer connects to it) and counts requests per
 * tenant; {@code 0}: no access log, no per-tenant metrics
 * @param askPort the port on 127.0.0.1 where the control plane answers the router's
 * question before it issues a certificate (Caddy's on-demand {@code ask}): certificates
 * are then issued at a hostname's first TLS handshake, for live tenants' hostnames only,
 * and loaded from the router's storage at handshake time; {@code 0}: certificates are
 * managed for every routed hostname each time the config changes (Caddy 2.6 builds a new
 * certificate cache on each change, and refuses handshakes of names it has not loaded
 * yet)
 * @param edgeAdminUrl the admin endpoint of the router's edge, e.g.
 * {@code http://127.0.0.1:2018}: the Caddy that listens on
 * {@code listenAddress:listenPort}, terminates TLS and hands every request to the routes'
 * Caddy over a unix socket; its config changes only when the edge itself is set up (see
 * {@link CaddyGateway})
 * @param routesSocket the unix socket the routes' Caddy (the one at {@code adminUrl})
 * listens on, by default {@code <data-dir>/routes.sock}
 * @param process whether the control plane runs Caddy itself, as a child process
 */
@ConfigurationProperties("tenantforge.routing")
public record RoutingProperties(boolean enabled, String baseDomain, String adminUrl, String listenAddress,
		int listenPort, Integer publicPort, String certificateIssuer, String acmeEmail, Duration upstreamTryDuration,
		String server, Integer accessLogPort, Integer askPort, String edgeAdminUrl, Path routesSocket,
		Process process) {

	public RoutingProperties {
		baseDomain = baseDomain == null ? "tenants.localhost" : baseDomain;
		adminUrl = adminUrl == null ? "http://127.0.0.1:2019" : adminUrl.replaceAll("/+$", "");
		listenAddress = listenAddress == null ? "127.0.0.1" : listenAddress;
		listenPort = listenPort == 0 ? 443 : listenPort;
		publicPort = publicPort == null ? listenPort : publicPort;
		certificateIssuer = certificateIssuer == null ? "internal" : certificateIssuer;
		upstreamTryDuration = upstreamTryDuration == null ? Duration.ofSeconds(10) : upstreamTryDuration;
		server = server == null ? "tenantforge" : server;
		accessLogPort = accessLogPort == null ? 2020 : accessLogPort;
		askPort = askPort == null ? 2021 : askPort;
		process = process == null ? new Process(false, "caddy", Path.of("var/router")) : process;
		edgeAdminUrl = edgeAdminUrl == null ? "http://127.0.0.1:2018" : edgeAdminUrl.replaceAll("/+$", "");
		routesSocket = (routesSocket == null ? process.dataDir().resolve("routes.sock") : routesSocket)
			.toAbsolutePath();
		if (!certificateIssuer.equals("internal") && !certificateIssuer.equals("acme")) {
			throw new IllegalArgumentException(
					"tenantforge.routing.certificate-issuer must be internal or acme, not '" + certificateIssuer + "'");
		}
	}

	/**
	 * The {@code host:port} of the admin endpoint, as Caddy's {@code admin.listen} wants
	 * it.
	 */
	public String adminListen() {
		return adminUrl.replaceFirst("^https?://", "");
	}

	/** The edge's admin endpoint as Caddy's {@code admin.listen} wants it. */
	public String edgeAdminListen() {
		return edgeAdminUrl.replaceFirst("^https?://", "");
	}

	/** Whether the router's access log is taken and counted per tenant. */
	public boolean accessLogEnabled() {
		return enabled && accessLogPort > 0;
	}

	/**
	 * Whether certificates are issued on demand, after asking the control plane (see
	 * {@code askPort}).
	 */
	public boolean onDemandCertificates() {
		return enabled && askPort > 0;
	}

	/** Where the router asks before it issues a certificate on demand. */
	public String askUrl() {
		return "http://127.0.0.1:" + askPort + CertificateAsk.PATH;
	}

	/**
	 * @param managed the control plane starts Caddy when it starts (and stops it when it
	 * stops)
	 * @param binary the {@code caddy} executable
	 * @param dataDir Caddy's storage (certificates, its internal CA under
	 * {@code pki/authorities/local}) and its bootstrap file, log and pid file
	 */
	public record Process(boolean managed, String binary, Path dataDir) {

		public Process {
			binary = binary == null ? "caddy" : binary;
			dataDir = dataDir == null ? Path.of("var/router") : dataDir;
		}

		/**
		 * The root certificate of Caddy's internal CA: what clients trust with
		 * {@code certificate-issuer: internal}.
		 */
		public Path rootCertificate() {
			return dataDir.toAbsolutePath().resolve("storage/pki/authorities/local/root.crt");
		}

	}

}
