package io.captionflow.gateway.admission;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection on a plain socket whose source address the test chooses (on
 * Linux every address of 127.0.0.0/8 is loopback, so 127.0.0.2 is a second client of a
 * server on 127.0.0.1). It writes raw requests, reads the response head, and can read the
 * rest in the background, as an event stream comes.
 */
final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private final InputStream in;

	private final StringBuffer received = new StringBuffer();

	private volatile boolean ended;

	private RawConnection(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new BufferedInputStream(socket.getInputStream());
	}

	/**
	 * Connects from a source address.
	 * @param source the client's address, such as {@code 127.0.0.2}
	 * @param port the server's port on 127.0.0.1
	 * @param receiveBuffer the socket's receive buffer, or 0 for the system's
	 * @return the connection
	 */
	static RawConnection open(String source, int port, int receiveBuffer) {
		try {
			Socket socket = new Socket();
			if (receiveBuffer > 0) {
				socket.setReceiveBufferSize(receiveBuffer);
			}
			socket.bind(new InetSocketAddress(source, 0));
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(30_000);
			return new RawConnection(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static RawConnection open(String source, int port) {
		return open(source, port, 0);
	}

	/**
	 * Opens an event stream.
	 * @param source the client's address
	 * @param port the server's port
	 * @param headers extra header lines, each ending in CRLF
	 * @return the connection, its request sent
	 */
	static RawConnection stream(String source, int port, String headers) {
		RawConnection connection = open(source, port);
		connection.send("GET " + StreamAdmission.PATH + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
				+ headers + "\r\n");
		return connection;
	}

	/**
	 * Sends one request with {@code Connection: close} and reads the whole response.
	 * @param source the client's address
	 * @param port the server's port
	 * @param method the method
	 * @param path the path
	 * @param json the JSON body, or null
	 * @return the response
	 */
	static Response exchange(String source, int port, String method, String path, String json) {
		try (RawConnection connection = open(source, port)) {
			byte[] body = (json != null) ? json.getBytes(StandardCharsets.UTF_8) : new byte[0];
			connection.send(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
					+ ((json != null) ? "Content-Type: application/json\r\n" : "") + "Content-Length: " + body.length
					+ "\r\n\r\n" + new String(body, StandardCharsets.UTF_8));
			Response head = connection.head();
			return new Response(head.status(), head.headers(), connection.rest());
		}
	}

	void send(String text) {
		try {
			this.socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
			this.socket.getOutputStream().flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads the status line and headers.
	 * @return the status and headers (names in lower case), without a body
	 */
	Response head() {
		try {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int matched = 0;
			while (matched < 4) {
				int b = this.in.read();
				if (b < 0) {
					throw new IOException("the connection ended in the response head: " + head);
				}
				head.write(b);
				matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				if (colon > 0) {
					headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
							lines[i].substring(colon + 1).trim());
				}
			}
			return new Response(Integer.parseInt(lines[0].split(" ")[1]), headers, "");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads a response's body of a declared length, on a connection that stays open.
	 * @param head the response head
	 * @return the response with its body
	 */
	Response body(Response head) {
		try {
			int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
			return new Response(head.status(), head.headers(),
					new String(this.in.readNBytes(length), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads what follows until the server closes the connection.
	 * @return the text read
	 */
	String rest() {
		try {
			return new String(this.in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Reads the rest in the background, into {@link #received()}.
	 * @return this connection
	 */
	RawConnection readInBackground() {
		Thread.ofVirtual().start(() -> {
			byte[] buffer = new byte[8192];
			try {
				this.socket.setSoTimeout(0);
				int read;
				while ((read = this.in.read(buffer)) >= 0) {
					this.received.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
				}
			}
			catch (IOException ex) {
				// closed by the test or reset by the server
			}
			finally {
				this.ended = true;
			}
		});
		return this;
	}

	/**
	 * Whether the server closed the connection: the background reader, or a read that
	 * ends at once.
	 * @return true once the server closed it
	 */
	boolean ended() {
		return this.ended;
	}

	String received() {
		return this.received.toString();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	/**
	 * A response.
	 *
	 * @param status the status code
	 * @param headers the headers, names in lower case
	 * @param body the body as read (chunk sizes included, if chunked)
	 */
	record Response(int status, Map<String, String> headers, String body) {
	}

}
