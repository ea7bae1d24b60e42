package io.captionflow.chaos;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * One browser's event stream over a plain socket, as the page's EventSource would hold
 * it: every notification id it receives is recorded (replays included, duplicates kept);
 * when the stream ends it reconnects, to whichever gateway is up, with
 * {@code Last-Event-ID}, the whole {@code <epoch>-<number>} id of the last event; a
 * {@code reset} event is honoured (the page reloads its data and carries on from the
 * reset's id, perhaps of another epoch). It can be stalled: it stops reading, its
 * socket's buffer fills, and the server is to cut it off without slowing the others.
 */
final class SseClient implements Runnable {

	/** A notification as the client saw it, to find ids reissued for other events. */
	interface Sink {

		void received(SseClient client, EventIds.Id id, String fingerprint);

	}

	private final int index;

	private final IntSupplier port;

	private final Sink sink;

	private final EventIds ids = new EventIds();

	private final AtomicInteger connects = new AtomicInteger();

	private final AtomicInteger resets = new AtomicInteger();

	private volatile boolean running = true;

	private volatile boolean stalled;

	/** Whether the current connection was answered 200. */
	private volatile boolean lastEventIdKnown;

	private volatile Socket socket;

	private volatile Thread thread;

	SseClient(int index, IntSupplier port, Sink sink) {
		this.index = index;
		this.port = port;
		this.sink = sink;
	}

	int index() {
		return this.index;
	}

	EventIds ids() {
		return this.ids;
	}

	int connects() {
		return this.connects.get();
	}

	int resets() {
		return this.resets.get();
	}

	boolean connected() {
		Socket current = this.socket;
		return current != null && !current.isClosed() && this.lastEventIdKnown;
	}

	void stall(boolean stall) {
		this.stalled = stall;
		if (!stall && this.thread != null) {
			LockSupport.unpark(this.thread);
		}
	}

	void close() {
		this.running = false;
		closeSocket();
		if (this.thread != null) {
			LockSupport.unpark(this.thread);
		}
	}

	@Override
	public void run() {
		this.thread = Thread.currentThread();
		while (this.running) {
			long pause = 300;
			try {
				pause = stream();
			}
			catch (IOException | RuntimeException ex) {
				// the gateway went away or cut us off: reconnect, as EventSource does
			}
			finally {
				closeSocket();
				this.lastEventIdKnown = false;
			}
			if (this.running) {
				LockSupport.parkNanos((pause + ThreadLocalRandom.current().nextLong(400)) * 1_000_000);
			}
		}
	}

	/**
	 * Reads one connection until it ends.
	 * @return how long to wait before the next, in milliseconds
	 */
	private long stream() throws IOException {
		int target = this.port.getAsInt();
		if (target <= 0) {
			return 500;
		}
		Socket connection = new Socket();
		connection.setReceiveBufferSize(16 * 1024);
		this.socket = connection;
		connection.connect(new InetSocketAddress("127.0.0.1", target), 3000);
		connection.setSoTimeout(45_000);
		this.connects.incrementAndGet();
		StringBuilder request = new StringBuilder("GET /api/events/video-stats HTTP/1.1\r\nHost: 127.0.0.1:")
			.append(target)
			.append("\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n");
		EventIds.Id last = this.ids.last();
		if (!last.equals(EventIds.Id.NONE)) {
			request.append("Last-Event-ID: ").append(last).append("\r\n");
		}
		OutputStream out = connection.getOutputStream();
		out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = new BufferedInputStream(connection.getInputStream(), 8192);
		String status = line(in);
		boolean chunked = false;
		long retryAfter = 0;
		for (String header = line(in); !header.isEmpty(); header = line(in)) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
			if (lower.startsWith("retry-after:")) {
				retryAfter = Long.parseLong(header.substring(12).strip()) * 1000;
			}
		}
		if (!status.startsWith("HTTP/1.1 200")) {
			return Math.min(Math.max(retryAfter, 300), 3000);
		}
		this.lastEventIdKnown = true;
		read(chunked ? new ChunkedInput(in) : in);
		return 300;
	}

	private void read(InputStream body) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(512);
		byte[] chunk = new byte[8192];
		String id = null;
		String event = null;
		StringBuilder data = new StringBuilder();
		while (this.running) {
			while (this.stalled && this.running) {
				LockSupport.parkNanos(100_000_000);
			}
			// a stalled client takes nothing more than what this read returns
			int read = body.read(chunk, 0, chunk.length);
			if (read < 0) {
				return;
			}
			int from = 0;
			for (int i = 0; i < read; i++) {
				if (chunk[i] != '\n') {
					continue;
				}
				line.write(chunk, from, i - from);
				from = i + 1;
				String field = line.toString(StandardCharsets.UTF_8);
				line.reset();
				if (field.isEmpty()) {
					dispatch(id, event, data.toString());
					id = null;
					event = null;
					data.setLength(0);
				}
				else if (field.startsWith("id:")) {
					id = field.substring(3).strip();
				}
				else if (field.startsWith("event:")) {
					event = field.substring(6).strip();
				}
				else if (field.startsWith("data:")) {
					data.append(field.substring(5));
				}
			}
			line.write(chunk, from, read - from);
		}
	}

	private void dispatch(String id, String event, String data) {
		if (id == null) {
			return;
		}
		EventIds.Id value = EventIds.Id.parse(id);
		if ("reset".equals(event)) {
			this.resets.incrementAndGet();
			this.ids.reset(value);
		}
		else {
			this.ids.add(value);
			this.sink.received(this, value, fingerprint(data));
		}
	}

	/** What the notification says, without its timestamp. */
	static String fingerprint(String json) {
		return field(json, "\"videoId\":") + "/" + field(json, "\"captionId\":") + "/" + field(json, "\"flowName\":")
				+ "/" + field(json, "\"status\":");
	}

	private static String field(String json, String name) {
		int at = json.indexOf(name);
		if (at < 0) {
			return "";
		}
		int from = at + name.length();
		int to = from;
		while (to < json.length() && json.charAt(to) != ',' && json.charAt(to) != '}') {
			to++;
		}
		return json.substring(from, to).replace("\"", "");
	}

	private void closeSocket() {
		Socket current = this.socket;
		if (current != null) {
			try {
				current.close();
			}
			catch (IOException ex) {
				// closing anyway
			}
		}
	}

	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream(64);
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new EOFException("the connection ended");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	/** The body of a chunked response, its framing removed. */
	private static final class ChunkedInput extends InputStream {

		private final InputStream in;

		private long left;

		private boolean done;

		ChunkedInput(InputStream in) {
			this.in = in;
		}

		@Override
		public int read() throws IOException {
			if (this.done) {
				return -1;
			}
			if (this.left == 0) {
				String size = line(this.in);
				if (size.isEmpty()) {
					size = line(this.in);
				}
				int extension = size.indexOf(';');
				this.left = Long.parseLong((extension >= 0) ? size.substring(0, extension).strip() : size.strip(), 16);
				if (this.left == 0) {
					this.done = true;
					return -1;
				}
			}
			int b = this.in.read();
			if (b < 0) {
				return -1;
			}
			this.left--;
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			int first = read();
			if (first < 0) {
				return -1;
			}
			buffer[offset] = (byte) first;
			// the rest of this chunk, as far as it is already here
			int more = (int) Math.min(Math.min(this.left, length - 1), this.in.available());
			int read = (more > 0) ? this.in.read(buffer, offset + 1, more) : 0;
			if (read > 0) {
				this.left -= read;
			}
			return 1 + Math.max(read, 0);
		}

	}

}
