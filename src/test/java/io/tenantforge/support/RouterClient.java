package io.tenantforge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS client for the router: connects to 127.0.0.1 (what
 * {@code curl --resolve host:port:127.0.0.1} does), sends the hostname as SNI and
 * {@code Host}, and verifies the router's certificate for that hostname against the root
 * certificate it is given (Caddy's internal CA) and nothing else. Java's HttpClient
 * cannot resolve a name to an address of the caller's choosing, hence a socket of its
 * own; one request per connection.
 */
public final class RouterClient {

	private final SSLContext tls;

	private final int port;

	public RouterClient(Path rootCertificate, int port) {
		this.port = port;
		try (InputStream in = Files.newInputStream(rootCertificate)) {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			trusted.setCertificateEntry("router-root", CertificateFactory.getInstance("X.509").generateCertificate(in));
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			tls = SSLContext.getInstance("TLS");
			tls.init(null, trust.getTrustManagers(), null);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot read the router's root certificate " + rootCertificate, e);
		}
		catch (GeneralSecurityException e) {
			throw new IllegalStateException(e);
		}
	}

	/** An answer: the status code and the body. */
	public record Answer(int status, String body) {
	}

	/**
	 * GET {@code https://<host>:<port><path>} through the router at 127.0.0.1; throws
	 * IOException when the router does not answer for this hostname (no route: no
	 * certificate, the handshake fails) or the certificate does not verify.
	 */
	public Answer get(String host, String path) throws IOException {
		Socket raw = new Socket();
		raw.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		raw.setSoTimeout(20_000);
		try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true)) {
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setServerNames(List.of(new SNIHostName(host)));
			parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate
																	// must name this host
			parameters.setApplicationProtocols(new String[] { "http/1.1" });
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nConnection: close\r\n"
					+ "User-Agent: tenantforge-test\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			ByteArrayOutputStream response = new ByteArrayOutputStream();
			socket.getInputStream().transferTo(response);
			String text = response.toString(StandardCharsets.UTF_8);
			if (!text.startsWith("HTTP/1.1 ")) {
				throw new IOException("not an HTTP answer: " + text.substring(0, Math.min(80, text.length())));
			}
			int status = Integer.parseInt(text.substring(9, 12));
			int bodyAt = text.indexOf("\r\n\r\n");
			return new Answer(status, bodyAt < 0 ? "" : text.substring(bodyAt + 4));
		}
	}

	/** The status, or -1 when the router does not answer for the hostname at all. */
	public int status(String host, String path) {
		try {
			return get(host, path).status();
		}
		catch (IOException noAnswer) {
			return -1;
		}
	}

}
