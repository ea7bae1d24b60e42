package io.captionflow.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test client of a {@code text/event-stream} that reads the bytes as they come, the way
 * a browser's EventSource does: it splits them into lines and lines into events, and
 * keeps the raw text for assertions on the wire format.
 */
public final class SseClient implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static final Frame END = new Frame(null, null, null, List.of(), null);

	private final HttpResponse<InputStream> response;

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	private final StringBuffer raw = new StringBuffer();

	private final Thread reader;

	private volatile boolean ended;

	private SseClient(HttpResponse<InputStream> response) {
		this.response = response;
		this.reader = Thread.ofPlatform().name("sse-client").daemon().start(this::read);
	}

	/**
	 * Connects.
	 * @param uri the stream's address
	 * @param headers request headers, such as {@code Last-Event-ID}
	 * @return the connected client, its response headers received
	 */
	public static SseClient connect(String uri, Map<String, String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/event-stream");
		headers.forEach(request::header);
		try {
			return new SseClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The response.
	 * @return status and headers
	 */
	public HttpResponse<InputStream> response() {
		return this.response;
	}

	/**
	 * The next frame: an event, or a block of comments and fields without data.
	 * @param timeout how long to wait
	 * @return the frame
	 * @throws AssertionError when none comes in time or the stream ended
	 */
	public Frame next(Duration timeout) {
		try {
			Frame frame = this.frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (frame == null) {
				throw new AssertionError("no event within " + timeout + "; received so far:\n" + this.raw);
			}
			if (frame == END) {
				this.frames.add(END);
				throw new AssertionError("the stream ended; received:\n" + this.raw);
			}
			return frame;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The next frame that is an event with data, skipping comment-only frames.
	 * @param timeout how long to wait for it
	 * @return the event
	 */
	public Frame nextEvent(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			Frame frame = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (frame.data() != null) {
				return frame;
			}
		}
	}

	/**
	 * Waits for the server to end the stream, skipping what comes before.
	 * @param timeout how long to wait
	 * @return the frames received before the end
	 */
	public List<Frame> awaitEnd(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		List<Frame> before = new ArrayList<>();
		try {
			while (true) {
				Frame frame = this.frames.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				if (frame == null) {
					throw new AssertionError("the stream did not end within " + timeout);
				}
				if (frame == END) {
					this.frames.add(END);
					return before;
				}
				before.add(frame);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Whether the server ended the stream.
	 * @return true once the body ended
	 */
	public boolean ended() {
		return this.ended;
	}

	/**
	 * Everything received so far, as text.
	 * @return the raw stream
	 */
	public String raw() {
		return this.raw.toString();
	}

	@Override
	public void close() {
		try {
			this.response.body().close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		this.reader.interrupt();
	}

	private void read() {
		try (BufferedReader lines = new BufferedReader(
				new InputStreamReader(this.response.body(), StandardCharsets.UTF_8))) {
			String id = null;
			String event = null;
			String retry = null;
			List<String> comments = new ArrayList<>();
			StringBuilder data = null;
			boolean any = false;
			String line;
			while ((line = lines.readLine()) != null) {
				this.raw.append(line).append('\n');
				if (line.isEmpty()) {
					if (any) {
						this.frames.add(new Frame(id, event, (data != null) ? data.toString() : null,
								List.copyOf(comments), retry));
					}
					id = null;
					event = null;
					retry = null;
					comments.clear();
					data = null;
					any = false;
					continue;
				}
				any = true;
				if (line.startsWith(":")) {
					comments.add(line.substring(1));
					continue;
				}
				int colon = line.indexOf(':');
				String field = (colon < 0) ? line : line.substring(0, colon);
				String value = (colon < 0) ? "" : line.substring(colon + 1);
				value = value.startsWith(" ") ? value.substring(1) : value;
				switch (field) {
					case "id" -> id = value;
					case "event" -> event = value;
					case "retry" -> retry = value;
					case "data" -> data = (data == null) ? new StringBuilder(value) : data.append('\n').append(value);
					default -> {
					}
				}
			}
		}
		catch (IOException ex) {
			// closed by the test, or by the server
		}
		finally {
			this.ended = true;
			this.frames.add(END);
		}
	}

	/**
	 * One block of the stream up to a blank line.
	 *
	 * @param id the {@code id:} field
	 * @param event the {@code event:} field
	 * @param data the {@code data:} lines joined, or null when there were none
	 * @param comments the comment lines, without their colon
	 * @param retry the {@code retry:} field
	 */
	public record Frame(String id, String event, String data, List<String> comments, String retry) {

		/**
		 * The notification's number: the part of the id ({@code <epoch>-<number>}) after
		 * the dash.
		 * @return the number
		 */
		public long idValue() {
			return Long.parseLong(this.id.substring(this.id.indexOf('-') + 1));
		}

		/**
		 * The epoch: the part of the id before the dash.
		 * @return the epoch
		 */
		public long epoch() {
			int dash = this.id.indexOf('-');
			if (dash <= 0) {
				throw new AssertionError("no epoch in the event id " + this.id);
			}
			return Long.parseLong(this.id.substring(0, dash));
		}

	}

}
