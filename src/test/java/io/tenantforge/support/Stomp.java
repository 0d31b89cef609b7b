package io.tenantforge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * STOMP 1.2 over a plain socket, as a shell script with {@code nc} speaks it: each frame
 * is a command, headers, a blank line, a body and a NUL. Enough to show what the broker
 * answers to a given frame.
 */
public final class Stomp {

	private Stomp() {
	}

	/** A CONNECT frame, with a login when {@code login} is not null. */
	public static String connect(String login, String passcode) {
		return "CONNECT\naccept-version:1.2\nhost:localhost\n"
				+ (login == null ? "" : "login:" + login + "\npasscode:" + passcode + "\n") + "\n\0";
	}

	public static String send(String destination, String body) {
		return "SEND\ndestination:" + destination + "\ndestination-type:ANYCAST\npersistent:true\n"
				+ "content-type:application/json\nreceipt:sent\n\n" + body + "\0";
	}

	public static String subscribe(String destination) {
		return "SUBSCRIBE\nid:1\ndestination:" + destination + "\nack:auto\nreceipt:subscribed\n\n\0";
	}

	/**
	 * Sends the frames one after another on one connection to 127.0.0.1:{@code port} and
	 * returns everything the broker answered until it closed the connection or stayed
	 * silent for two seconds.
	 */
	public static String exchange(int port, String... frames) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(2000);
			for (String frame : frames) {
				socket.getOutputStream().write(frame.getBytes(StandardCharsets.UTF_8));
			}
			socket.getOutputStream().flush();
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[4096];
			try {
				for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
					answer.write(buffer, 0, n);
				}
			}
			catch (SocketTimeoutException | java.net.SocketException quietOrClosed) {
				// the broker said all it had to say
			}
			return answer.toString(StandardCharsets.UTF_8);
		}
		catch (IOException e) {
			throw new UncheckedIOException("cannot talk STOMP to 127.0.0.1:" + port, e);
		}
	}

}
