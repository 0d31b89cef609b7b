package io.tenantforge.routing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantforge.support.RetryableException;

import org.springframework.stereotype.Component;

/**
 * The only code that talks to the router: Caddy's admin API (JSON over HTTP on
 * 127.0.0.1), and the one place its faults are classified. Unreachable, timed out, or
 * 502/503/504: {@link RetryableException} (transient: a router restarting); any other
 * refusal: {@link RouterException} (permanent: a config Caddy rejects). Every tenant
 * route carries an {@code @id}, so a change is one call on {@code /id/<id>}; the whole
 * server's routes are one read.
 * <p>
 * Caddy resolves {@code /id/<id>} to an array index before it takes its config lock, so
 * two changes at once can race (seen: {@code array index out of bounds} when several
 * tenants were deleted at once). Changes from this control plane are therefore made one
 * at a time; one that still lost such a race (another control plane's change in between)
 * is transient, and retried.
 */
@Component
class CaddyGateway {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Id of the TLS automation policy tenantforge adds: which issuer signs the tenants'
	 * certificates.
	 */
	static final String TLS_POLICY_ID = "tenantforge-tls";

	/** The edge's server: the router's one TCP listener. */
	static final String EDGE_SERVER = "tenantforge-edge";

	/** The edge's one route: every request to the routes' Caddy. */
	static final String EDGE_ROUTE = "tenantforge-edge-to-routes";

	/**
	 * The last route of the routes' server: a hostname no route matched answers 404 (not
	 * Caddy's empty 200).
	 */
	static final String UNKNOWN_HOST_ROUTE = "tenantforge-unknown-host";

	/**
	 * Name of the log tenantforge adds to Caddy's logging app: its server's access log,
	 * to the control plane's listener.
	 */
	static final String ACCESS_LOG = "tenantforge-access";

	/**
	 * Fields of an access-log entry that are not sent: only the host and the status are
	 * counted, and headers, addresses and paths stay on the router.
	 */
	private static final List<String> ACCESS_LOG_DROPPED = List.of("request>headers", "request>tls", "request>uri",
			"request>remote_ip", "request>remote_port", "resp_headers", "user_id");

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CaddyGateway.class);

	private final RoutingProperties settings;

	private final ObjectMapper json;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final AtomicLong calls = new AtomicLong();

	/** One config change at a time (see the class comment); reads need no lock. */
	private final java.util.concurrent.locks.ReentrantLock changes = new java.util.concurrent.locks.ReentrantLock(true);

	CaddyGateway(RoutingProperties settings, ObjectMapper json) {
		this.settings = settings;
		this.json = json;
	}

	/** Admin-API calls made so far (the sweep reports what its observation cost). */
	long calls() {
		return calls.get();
	}

	/**
	 * Whether the router completes a TLS handshake for {@code hostname} on its listener:
	 * it has the hostname's certificate (Caddy issues certificates in the background, and
	 * until then refuses the handshake with an {@code internal_error} alert). Verified
	 * against the router's own root with the internal issuer, the JVM's trusted roots
	 * otherwise. No request is sent. Tries until {@code timeout}.
	 */
	boolean awaitCertificate(String hostname, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String last = "not tried";
		do {
			// read each time: the internal CA's root appears once the router made it
			SSLContext tls = trustedRoots();
			try (Socket raw = new Socket()) {
				raw.connect(new InetSocketAddress(settings.listenAddress(), settings.listenPort()), 1000);
				raw.setSoTimeout(2000);
				try (SSLSocket socket = (SSLSocket) tls.getSocketFactory()
					.createSocket(raw, hostname, settings.listenPort(), false)) {
					SSLParameters parameters = socket.getSSLParameters();
					parameters.setServerNames(List.of(new SNIHostName(hostname)));
					parameters.setEndpointIdentificationAlgorithm("HTTPS");
					socket.setSSLParameters(parameters);
					socket.startHandshake();
					return true;
				}
			}
			catch (IOException e) {
				last = e.getMessage();
			}
			java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
		}
		while (System.nanoTime() < deadline);
		log.info("Router has no certificate for {} after {}: {}", hostname, timeout, last);
		return false;
	}

	private SSLContext trustedRoots() {
		try {
			Path root = settings.process().rootCertificate();
			if (!settings.certificateIssuer().equals("internal") || !Files.isReadable(root)) {
				SSLContext context = SSLContext.getInstance("TLS");
				context.init(null, null, null);
				return context;
			}
			KeyStore roots = KeyStore.getInstance(KeyStore.getDefaultType());
			roots.load(null, null);
			try (InputStream pem = Files.newInputStream(root)) {
				roots.setCertificateEntry("router-root",
						CertificateFactory.getInstance("X.509").generateCertificate(pem));
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(roots);
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust.getTrustManagers(), null);
			return context;
		}
		catch (IOException | java.security.GeneralSecurityException e) {
			throw new IllegalStateException("cannot read the router's root certificate: " + e.getMessage(), e);
		}
	}

	/** Whether both admin endpoints (the routes' and the edge's) answer at all. */
	boolean reachable() {
		try {
			return send("GET", "/config/", null).statusCode() == 200
					&& send(settings.edgeAdminUrl(), "GET", "/config/", null).statusCode() == 200;
		}
		catch (RetryableException down) {
			return false;
		}
	}

	/**
	 * Every route of tenantforge's HTTP server, in one read; empty when the server is not
	 * configured (a router that has just started with nothing but its bootstrap config).
	 */
	Optional<List<JsonNode>> routes() {
		HttpResponse<String> response = send("GET", serverPath() + "/routes", null);
		if (missing(response)) {
			return Optional.empty();
		}
		if (response.statusCode() != 200) {
			throw refused("read the routes", response);
		}
		JsonNode routes = parse(response.body());
		if (routes == null || routes.isNull()) {
			return Optional.empty();
		}
		return Optional.of(java.util.stream.StreamSupport.stream(routes.spliterator(), false).toList());
	}

	/** One route by its {@code @id}; empty when the router has none with it. */
	Optional<JsonNode> route(String id) {
		HttpResponse<String> response = send("GET", "/id/" + id, null);
		if (response.statusCode() == 404) {
			return Optional.empty();
		}
		if (response.statusCode() != 200) {
			throw refused("read route " + id, response);
		}
		return Optional.ofNullable(parse(response.body())).filter(node -> !node.isNull());
	}

	/**
	 * Sets the route with this {@code @id}: one PATCH when it exists, else one PUT that
	 * inserts it first (ahead of the {@value #UNKNOWN_HOST_ROUTE} route, which stays
	 * last).
	 */
	void put(String id, Map<String, Object> route) {
		HttpResponse<String> replaced = send("PATCH", "/id/" + id, route);
		if (replaced.statusCode() == 200) {
			return;
		}
		if (replaced.statusCode() != 404) {
			throw refused("replace route " + id, replaced);
		}
		HttpResponse<String> added = send("PUT", serverPath() + "/routes/0", route);
		if (added.statusCode() != 200) {
			throw refused("add route " + id, added);
		}
	}

	/** Removes the route with this {@code @id}; true when there was one. */
	boolean delete(String id) {
		HttpResponse<String> response = send("DELETE", "/id/" + id, null);
		if (response.statusCode() == 404) {
			return false;
		}
		if (response.statusCode() != 200) {
			throw refused("remove route " + id, response);
		}
		return true;
	}

	/**
	 * Makes sure the router is set up: the routes' Caddy has tenantforge's server (plain
	 * HTTP on the unix socket {@code routes-socket}, ending with the
	 * {@value #UNKNOWN_HOST_ROUTE} route) and (with an {@code access-log-port}) its
	 * access log to the control plane ({@link #ensureAccessLog}, whose refusal leaves the
	 * rest in place); the edge has its config ({@link #ensureEdge}). What exists already
	 * is left as it is. A few calls, made once at start and after a router restart, never
	 * per tenant.
	 */
	void ensureServer() {
		if (!exists("/config/apps/http")) {
			create("/config/apps/http", Map.of("servers", Map.of(settings.server(), server())));
		}
		else if (!exists(serverPath())) {
			create(serverPath(), server());
		}
		ensureEdge();
		if (settings.accessLogEnabled()) {
			try {
				ensureAccessLog();
			}
			catch (RuntimeException listenerDown) {
				// Caddy 2.6 refuses a net log writer it cannot connect to: the routes do
				// not wait for it; the listener sets it once it listens (at start-up,
				// after this), else the sweep
				boolean refused = listenerDown.getMessage() != null
						&& listenerDown.getMessage().contains("opening log writer");
				if (refused) {
					log.info("Router access log not set yet: nothing listens on 127.0.0.1:{} yet",
							settings.accessLogPort());
				}
				else {
					log.warn("Router access log not set (the sweep tries again): {}", listenerDown.getMessage());
				}
			}
		}
	}

	/**
	 * Gives the edge its config when it has not got it exactly (one read; one change when
	 * it differs): its HTTPS server on {@code listen-address:listen-port}, terminating
	 * TLS for any hostname with tenantforge's TLS policy and handing every request to the
	 * routes' Caddy on its unix socket; the TLS policy (its issuer; on demand, after
	 * asking the control plane, unless {@code ask-port} is 0; no OCSP stapling with the
	 * internal issuer, which has no OCSP responder) and the on-demand {@code ask} URL;
	 * with the internal issuer, its CA kept out of the machine's trust store. The edge's
	 * apps are tenantforge's alone.
	 * <p>
	 * Why an edge: Caddy on Linux opens a new {@code SO_REUSEPORT} socket for a TCP
	 * listener at every config change and resets the connections queued on the old one
	 * (the benchmark counted them during rollouts), but hands a unix socket on unchanged.
	 * So the tenants' routes, which change all the time, listen on a unix socket, and the
	 * only TCP listener is the edge's, whose config does not change.
	 */
	void ensureEdge() {
		if (!edgeDrift().isEmpty()) {
			change(settings.edgeAdminUrl(), "POST", "/config/apps", edgeApps());
		}
	}

	/**
	 * How the edge's config differs from what tenantforge wants (empty: as wanted), in
	 * one read.
	 */
	List<String> edgeDrift() {
		JsonNode apps = read(settings.edgeAdminUrl(), "/config/apps");
		if (apps == null) {
			return List.of("edge not set up");
		}
		JsonNode wanted = json.valueToTree(edgeApps());
		List<String> drift = new java.util.ArrayList<>();
		wanted.fieldNames().forEachRemaining(app -> {
			if (!wanted.get(app).equals(apps.get(app))) {
				drift.add("edge " + app + (apps.has(app) ? " differs" : " missing"));
			}
		});
		apps.fieldNames().forEachRemaining(app -> {
			if (!wanted.has(app)) {
				drift.add("edge has " + app);
			}
		});
		return drift;
	}

	/**
	 * Makes the edge forget the certificates it holds in memory (Caddy 2.6.2 builds a new
	 * certificate cache when its config is loaded again): a deleted tenant's certificate
	 * would otherwise still complete handshakes. Certificates still in storage are loaded
	 * again at their next handshake. One forced reload of the edge's unchanged config:
	 * the one moment its TCP socket is handed over (see {@link #ensureEdge}), so only on
	 * a tenant's deletion.
	 */
	void forgetEdgeCertificates() {
		HttpResponse<String> response = send(settings.edgeAdminUrl(), "POST", "/config/apps", edgeApps(),
				"Cache-Control", "must-revalidate");
		if (response.statusCode() != 200) {
			throw refused("reload the edge", response);
		}
	}

	private Map<String, Object> edgeApps() {
		Map<String, Object> server = new LinkedHashMap<>();
		server.put("listen", List.of(settings.listenAddress() + ":" + settings.listenPort()));
		// TLS for any hostname, with the policy below; which ones get a certificate is
		// the control plane's answer to the ask
		server.put("tls_connection_policies", List.of(Map.of()));
		server.put("automatic_https", Map.of("disable_redirects", true));
		server.put("routes",
				List.of(Map.of("@id", EDGE_ROUTE, "handle",
						List.of(Map.of("handler", "reverse_proxy", "upstreams",
								List.of(Map.of("dial", "unix/" + settings.routesSocket())), "load_balancing",
								Map.of("try_duration", "5s", "try_interval", "50ms"))))));
		Map<String, Object> automation = new LinkedHashMap<>();
		automation.put("policies", List.of(tlsPolicy()));
		if (settings.onDemandCertificates()) {
			automation.put("on_demand", onDemand());
		}
		Map<String, Object> apps = new LinkedHashMap<>();
		apps.put("http", Map.of("servers", Map.of(EDGE_SERVER, server)));
		apps.put("tls", Map.of("automation", automation));
		if (settings.certificateIssuer().equals("internal")) {
			// the internal CA's root stays out of the machine's trust store: clients are
			// given root.crt explicitly
			apps.put("pki", Map.of("certificate_authorities", Map.of("local", Map.of("install_trust", false))));
		}
		return apps;
	}

	/** The TLS policy tenantforge gave the edge, as the edge has it. */
	Optional<JsonNode> edgeTlsPolicy() {
		return Optional.ofNullable(read(settings.edgeAdminUrl(), "/id/" + TLS_POLICY_ID));
	}

	private Map<String, Object> onDemand() {
		return Map.of("ask", settings.askUrl());
	}

	/**
	 * How the router's access logging differs from what tenantforge wants (empty: as
	 * wanted), in two reads: the server's {@code logs}, and Caddy's logging app.
	 */
	List<String> accessLogDrift() {
		List<String> drift = new java.util.ArrayList<>();
		if (!json.valueToTree(serverLogs()).equals(read(serverPath() + "/logs"))) {
			drift.add("server's access logging off");
		}
		JsonNode logs = Optional.ofNullable(read("/config/logging")).map(l -> l.get("logs")).orElse(null);
		JsonNode ours = logs == null ? null : logs.get(ACCESS_LOG);
		if (ours == null) {
			drift.add("log " + ACCESS_LOG + " missing");
		}
		else if (!ours.equals(json.valueToTree(accessLog()))) {
			drift.add("log " + ACCESS_LOG + " differs");
		}
		else if (!excludesAccessLog(logs.get("default"))) {
			drift.add("default log takes the access log too");
		}
		return drift;
	}

	/**
	 * Makes the router send its server's access log to the control plane's listener: the
	 * server's {@code logs} (its access logger named after the server), the log
	 * {@value #ACCESS_LOG} in Caddy's logging app (that logger only, JSON without
	 * headers, addresses or paths, Caddy's {@code net} writer to
	 * 127.0.0.1:{@code access-log-port}), and the default log told to leave those entries
	 * out; what is as wanted is left as it is. Caddy 2.6 connects the writer when the log
	 * is set and refuses it (500, config unchanged) when nothing listens: a
	 * {@link RouterException} then. Once set, a writer whose listener went away does not
	 * stop Caddy: it writes those entries to its stderr and connects again at most every
	 * 10 s.
	 */
	void ensureAccessLog() {
		if (!json.valueToTree(serverLogs()).equals(read(serverPath() + "/logs"))) {
			set(serverPath() + "/logs", serverLogs());
		}
		JsonNode logging = read("/config/logging");
		Map<String, Object> excludeOurs = Map.of("exclude", List.of(accessLogger()));
		if (logging == null || logging.get("logs") == null) {
			set(logging == null ? "/config/logging" : "/config/logging/logs",
					logging == null ? Map.of("logs", Map.of(ACCESS_LOG, accessLog(), "default", excludeOurs))
							: Map.of(ACCESS_LOG, accessLog(), "default", excludeOurs));
			return;
		}
		JsonNode logs = logging.get("logs");
		if (!json.valueToTree(accessLog()).equals(logs.get(ACCESS_LOG))) {
			set("/config/logging/logs/" + ACCESS_LOG, accessLog());
		}
		JsonNode defaultLog = logs.get("default");
		if (defaultLog == null) {
			set("/config/logging/logs/default", excludeOurs);
		}
		else if (!excludesAccessLog(defaultLog)) {
			List<String> exclude = new java.util.ArrayList<>();
			defaultLog.path("exclude").forEach(name -> exclude.add(name.asText()));
			exclude.add(accessLogger());
			if (defaultLog.has("exclude")) {
				change("PATCH", "/config/logging/logs/default/exclude", exclude);
			}
			else {
				set("/config/logging/logs/default/exclude", exclude);
			}
		}
	}

	/** The logger Caddy writes the server's access log to. */
	String accessLogger() {
		return "http.log.access." + settings.server();
	}

	private Map<String, Object> serverLogs() {
		return Map.of("default_logger_name", settings.server());
	}

	private Map<String, Object> accessLog() {
		Map<String, Object> dropped = new LinkedHashMap<>();
		ACCESS_LOG_DROPPED.forEach(field -> dropped.put(field, Map.of("filter", "delete")));
		return Map.of("writer",
				Map.of("output", "net", "address", "127.0.0.1:" + settings.accessLogPort(), "dial_timeout", "1s"),
				"encoder", Map.of("format", "filter", "wrap", Map.of("format", "json"), "fields", dropped), "include",
				List.of(accessLogger()));
	}

	private boolean excludesAccessLog(JsonNode defaultLog) {
		if (defaultLog == null) {
			return false;
		}
		for (JsonNode name : defaultLog.path("exclude")) {
			if (name.asText().equals(accessLogger())) {
				return true;
			}
		}
		return false;
	}

	/** The config at this path of the routes' Caddy; null when it has none there. */
	private JsonNode read(String path) {
		return read(settings.adminUrl(), path);
	}

	/** The config at this path of the Caddy at {@code base}; null when it has none. */
	private JsonNode read(String base, String path) {
		HttpResponse<String> response = send(base, "GET", path, null);
		if (missing(response)) {
			return null;
		}
		if (response.statusCode() != 200) {
			throw refused("read " + path, response);
		}
		JsonNode node = parse(response.body());
		return node == null || node.isNull() ? null : node;
	}

	/**
	 * Sets (creates or replaces) the object key at this path: Caddy's POST (on an array
	 * it would append).
	 */
	private void set(String path, Object body) {
		change(settings.adminUrl(), "POST", path, body);
	}

	private void change(String method, String path, Object body) {
		change(settings.adminUrl(), method, path, body);
	}

	private void change(String base, String method, String path, Object body) {
		HttpResponse<String> response = send(base, method, path, body);
		if (response.statusCode() != 200) {
			throw refused("set " + path, response);
		}
	}

	private Map<String, Object> server() {
		Map<String, Object> server = new LinkedHashMap<>();
		// plain HTTP on a unix socket: the edge terminates TLS (see ensureEdge)
		server.put("listen", List.of("unix/" + settings.routesSocket()));
		server.put("routes", List.of(unknownHostRoute()));
		server.put("automatic_https", Map.of("disable", true));
		// request metrics on the admin endpoint's /metrics (Caddy 2.6: by server,
		// handler, code and method; no host)
		server.put("metrics", Map.of());
		if (settings.accessLogEnabled()) {
			// per host: the access log, counted by the control plane
			server.put("logs", serverLogs());
		}
		return server;
	}

	/** The route {@value #UNKNOWN_HOST_ROUTE}: 404 with a short page. */
	Map<String, Object> unknownHostRoute() {
		return Map.of("@id", UNKNOWN_HOST_ROUTE, "handle",
				List.of(Map.of("handler", "static_response", "status_code", 404, "headers",
						Map.of("Content-Type", List.of("text/html; charset=utf-8"), "Cache-Control",
								List.of("no-store")),
						"body", "<!doctype html><title>Not found</title><h1>No site here</h1>\n")),
				"terminal", true);
	}

	/** Appends the route {@value #UNKNOWN_HOST_ROUTE} (a repair: it was missing). */
	void addUnknownHostRoute() {
		change(settings.adminUrl(), "POST", serverPath() + "/routes", unknownHostRoute());
	}

	private Map<String, Object> tlsPolicy() {
		Map<String, Object> issuer = new LinkedHashMap<>();
		issuer.put("module", settings.certificateIssuer());
		if (settings.certificateIssuer().equals("acme") && settings.acmeEmail() != null) {
			issuer.put("email", settings.acmeEmail());
		}
		Map<String, Object> policy = new LinkedHashMap<>();
		policy.put("@id", TLS_POLICY_ID);
		policy.put("issuers", List.of(issuer));
		if (settings.onDemandCertificates()) {
			// issued at a hostname's first handshake, loaded from storage at a handshake
			// after a config change (see CertificateAsk)
			policy.put("on_demand", true);
		}
		if (settings.certificateIssuer().equals("internal")) {
			// the internal CA has no OCSP responder: stapling only fails, and logs, for
			// every certificate at every config change
			policy.put("disable_ocsp_stapling", true);
		}
		return policy;
	}

	private String serverPath() {
		return "/config/apps/http/servers/" + settings.server();
	}

	private boolean exists(String path) {
		return read(path) != null;
	}

	/** Caddy's answers for a path its config does not have. */
	private static boolean missing(HttpResponse<String> response) {
		return response.statusCode() == 404
				|| (response.statusCode() == 400 && response.body() != null && response.body().contains("traversal"));
	}

	private void create(String path, Object body) {
		change(settings.adminUrl(), "PUT", path, body);
	}

	private HttpResponse<String> send(String method, String path, Object body) {
		return send(settings.adminUrl(), method, path, body);
	}

	private HttpResponse<String> send(String base, String method, String path, Object body, String... headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT);
		if (headers.length > 0) {
			request.headers(headers);
		}
		try {
			if (body == null) {
				request.method(method, HttpRequest.BodyPublishers.noBody());
			}
			else {
				request.header("Content-Type", "application/json")
					.method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
			}
		}
		catch (JsonProcessingException e) {
			throw new IllegalStateException("cannot write a router config", e);
		}
		calls.incrementAndGet();
		boolean change = !method.equals("GET");
		if (change) {
			changes.lock();
		}
		try {
			HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			if (status == 502 || status == 503 || status == 504) {
				throw new RetryableException("router admin API answered " + status + " to " + method + " " + path);
			}
			if (change && status >= 400 && lostRace(response.body())) {
				throw new RetryableException(
						"router config changed under " + method + " " + path + ": " + response.body().strip());
			}
			return response;
		}
		catch (HttpTimeoutException e) {
			throw new RetryableException("router admin API timed out: " + method + " " + path, e);
		}
		catch (IOException e) {
			throw new RetryableException("router admin API unreachable at " + base + ": " + e, e);
		}
		catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new RetryableException("interrupted while calling the router", e);
		}
		finally {
			if (change) {
				changes.unlock();
			}
		}
	}

	/**
	 * Caddy's answers when an {@code /id/} path resolved against a config that changed
	 * before it was applied.
	 */
	private static boolean lostRace(String body) {
		return body != null && (body.contains("index out of bounds") || body.contains("duplicate ID"));
	}

	private JsonNode parse(String body) {
		try {
			return body == null || body.isBlank() ? null : json.readTree(body);
		}
		catch (JsonProcessingException e) {
			throw new RouterException("the router answered something that is not JSON: " + e.getOriginalMessage());
		}
	}

	private static RouterException refused(String what, HttpResponse<String> response) {
		String body = response.body() == null ? "" : response.body();
		return new RouterException("the router refused to " + what + ": " + response.statusCode() + " "
				+ (body.length() > 300 ? body.substring(0, 300) : body).strip());
	}

}
