package io.captionflow.gateway.notify;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;

/**
 * The SSE subscribers of this instance: who follows which videos, the events waiting for
 * each, heartbeats, and the cut of a client that falls behind.
 * <p>
 * Notifications come from this instance's {@link NotificationTail} alone, in id order,
 * without a gap or a duplicate ({@link #publish}): the package's documentation gives the
 * one path by which they get there. A client that reconnects joins at the tail's head
 * ({@link NotificationTail#join}), after what {@link EventStreams} replays to it.
 * <p>
 * Each subscriber has a bounded buffer; one that falls further behind is disconnected, so
 * a slow client never holds up the others. It reconnects and resumes after its last event
 * id.
 */
@Component
public class NotificationHub implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	private static final Logger logger = LoggerFactory.getLogger(NotificationHub.class);

	/** Encoded once: every idle client's buffer wraps the same bytes. */
	private static final byte[] HEARTBEAT = SseFrames.heartbeat();

	private final NotifyProperties.Sse sse;

	/**
	 * The subscribers, by the thread that writes to their connections (a Netty event
	 * loop): the hub hands each notification to those threads, which pass it on to their
	 * own subscribers in parallel. Added to with {@link #lock} held.
	 */
	private final Map<Executor, Set<Subscriber>> groups = new ConcurrentHashMap<>();

	/** Orders adding subscribers with closing every stream. */
	private final Object lock = new Object();

	private final AtomicInteger clients = new AtomicInteger();

	private volatile boolean closing;

	private @Nullable ScheduledExecutorService executor;

	private final Counter sent;

	private final Counter cut;

	private final Counter epochResets;

	NotificationHub(NotifyProperties properties, MeterRegistry meters) {
		this.sse = properties.sse();
		this.sent = Counter.builder("captionflow.sse.events.sent")
			.description("Live events handed to SSE clients (replays and heartbeats not included)")
			.register(meters);
		this.cut = Counter.builder("captionflow.sse.clients.cut")
			.description("SSE clients disconnected for falling more than client-buffer events behind")
			.register(meters);
		this.epochResets = resets(meters, SseFrames.EPOCH_CHANGED);
	}

	/**
	 * The count of {@code reset} events sent for a reason.
	 * @param meters the registry
	 * @param reason the reason, one of {@link SseFrames}' constants
	 * @return the counter
	 */
	static Counter resets(MeterRegistry meters, String reason) {
		return Counter.builder("captionflow.sse.resets")
			.description("reset events sent to SSE clients (they fetch everything again), by reason")
			.tag("reason", reason)
			.register(meters);
	}

	@Override
	public void start() {
		this.closing = false;
		ScheduledExecutorService thread = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("notification-hub").daemon().factory());
		long check = Math.max(1, this.sse.heartbeat().toMillis() / 3);
		thread.scheduleAtFixedRate(this::heartbeat, check, check, TimeUnit.MILLISECONDS);
		this.executor = thread;
	}

	@Override
	public void stop() {
		closeStreams();
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null && !this.executor.isShutdown();
	}

	@Override
	public int getPhase() {
		// before the web server takes its first request, after it stopped taking them
		return Integer.MAX_VALUE - 4096;
	}

	/**
	 * Ends every stream as the application closes, before the web server's graceful
	 * shutdown waits for open requests: clients reconnect elsewhere, or here after the
	 * restart, and resume after their last event id.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		closeStreams();
	}

	/**
	 * The number of SSE clients connected to this instance.
	 * @return live connections
	 */
	public int connectedClients() {
		return this.clients.get();
	}

	/**
	 * Whether the application is closing: a stream opened now ends at once.
	 * @return true once closing
	 */
	boolean closing() {
		return this.closing;
	}

	/**
	 * A subscriber, not yet added.
	 * @param videoIds the videos it follows; all when empty
	 * @param skipUpTo pass it nothing up to this id
	 * @param client its connection
	 * @return the subscriber
	 */
	Subscriber subscriber(Set<String> videoIds, long skipUpTo, Client client) {
		return new Subscriber(videoIds, skipUpTo, client);
	}

	/**
	 * Adds a subscriber, which takes what follows the tail's head in its epoch. Called as
	 * it joins the tail, with the tail's lock held (see {@link NotificationTail#join}).
	 * @param subscriber the subscriber
	 * @param at the tail's epoch and head
	 */
	void add(Subscriber subscriber, NotificationTail.Position at) {
		synchronized (this.lock) {
			subscriber.epoch = at.epoch();
			subscriber.floor = Math.max(subscriber.floor, at.head());
			this.groups.computeIfAbsent(subscriber.executor, (executor) -> ConcurrentHashMap.newKeySet())
				.add(subscriber);
			this.clients.incrementAndGet();
		}
	}

	void remove(Subscriber subscriber) {
		Set<Subscriber> group = this.groups.get(subscriber.executor);
		if (group != null && group.remove(subscriber)) {
			this.clients.decrementAndGet();
		}
	}

	/**
	 * Hands a notification, or the reset of a new epoch, to the connection threads of the
	 * subscribers. Called by the tail in id order with its lock held: each thread passes
	 * them on in that order.
	 * @param entry the notification or the reset
	 */
	void publish(NotificationTail.Entry entry) {
		this.groups.forEach((executor, group) -> execute(executor, () -> deliver(group, entry, entry.frame(), 0)));
	}

	/**
	 * Sends the heartbeat comment to the clients that were sent nothing for a heartbeat
	 * interval: a busy stream needs none, and idle ones are not all pinged at once.
	 */
	private void heartbeat() {
		long due = System.nanoTime() - this.sse.heartbeat().toNanos();
		this.groups.forEach((executor, group) -> execute(executor, () -> deliver(group, null, HEARTBEAT, due)));
	}

	/**
	 * Passes an event on to the subscribers of a group that want it, or a heartbeat to
	 * those sent nothing since {@code idleSince}. Runs on the group's connection thread.
	 */
	private void deliver(Set<Subscriber> group, NotificationTail.@Nullable Entry entry, byte[] frame, long idleSince) {
		int slow = 0;
		int sent = 0;
		for (Subscriber subscriber : group) {
			boolean wanted = (entry != null) ? subscriber.wants(entry) : subscriber.lastSent - idleSince <= 0;
			if (wanted && !subscriber.push(frame)) {
				remove(subscriber);
				subscriber.cut();
				slow += subscriber.behind ? 1 : 0;
			}
			else if (wanted && entry != null) {
				sent++;
				if (entry.reset()) {
					// from now on in the new epoch, after the log's newest number in it
					subscriber.epoch = entry.epoch();
					subscriber.floor = entry.id();
				}
			}
		}
		// counted once per batch: one counter shared by every connection thread
		if (sent > 0 && entry != null) {
			if (entry.reset()) {
				this.epochResets.increment(sent);
			}
			else {
				this.sent.increment(sent);
			}
		}
		if (slow > 0) {
			this.cut.increment(slow);
			logger.info(
					"Disconnected {} SSE client(s) more than {} events behind; they resume after their last event id",
					slow, this.sse.clientBuffer());
		}
	}

	private static void execute(Executor executor, Runnable task) {
		try {
			executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// the connections' thread is shutting down: so are they
		}
	}

	private void closeStreams() {
		this.closing = true;
		synchronized (this.lock) {
			this.groups.forEach((executor, group) -> {
				List<Subscriber> closed = List.copyOf(group);
				group.clear();
				execute(executor, () -> closed.forEach(Subscriber::complete));
			});
			this.clients.set(0);
		}
	}

	/**
	 * A client's connection.
	 *
	 * @param executor the thread that writes to it
	 * @param disconnect closes it; null when it cannot be closed directly (the stream
	 * then ends with an error instead)
	 */
	record Client(Executor executor, @Nullable Runnable disconnect) {

		/** A connection written from any thread, closed by ending its stream in error. */
		static final Client ANY_THREAD = new Client(Runnable::run, null);

	}

	/**
	 * One client: the events waiting for it, at most the client buffer.
	 */
	final class Subscriber {

		private final Set<String> videoIds;

		private final Sinks.Many<byte[]> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<byte[]>unbounded(16).get());

		private final Sinks.Empty<byte[]> cut = Sinks.empty();

		private final AtomicInteger waiting = new AtomicInteger();

		private final Executor executor;

		private final @Nullable Runnable disconnect;

		/** Pass on nothing up to this id: the client has it, or it was replayed. */
		private volatile long floor;

		/** The epoch the client is in: it takes notifications of that epoch only. */
		private volatile long epoch = NotificationEpochs.Epoch.NONE;

		private boolean behind;

		/** When the client was last sent something, by {@link System#nanoTime()}. */
		private long lastSent = System.nanoTime();

		private Subscriber(Set<String> videoIds, long skipUpTo, Client client) {
			this.videoIds = videoIds;
			this.floor = skipUpTo;
			this.executor = client.executor();
			this.disconnect = client.disconnect();
		}

		boolean wants(NotificationTail.Entry entry) {
			if (entry.reset()) {
				// every client of an older epoch, whatever it follows
				return entry.epoch() != this.epoch;
			}
			return entry.epoch() == this.epoch && entry.id() > this.floor && follows(entry.videoId());
		}

		boolean follows(@Nullable String videoId) {
			// only a reset has no video, and a reset is wanted by its epoch alone
			return this.videoIds.isEmpty() || (videoId != null && this.videoIds.contains(videoId));
		}

		/**
		 * Queues an event for the client. Called on the client's connection thread.
		 * @return whether the client takes it; false when it is too far behind or gone
		 */
		private boolean push(byte[] event) {
			if (this.waiting.incrementAndGet() > NotificationHub.this.sse.clientBuffer()) {
				this.behind = true;
				return false;
			}
			this.lastSent = System.nanoTime();
			return this.sink.tryEmitNext(event).isSuccess();
		}

		private void cut() {
			if (this.disconnect != null) {
				// closing the connection cancels the stream, without an error to log
				this.disconnect.run();
			}
			else {
				this.cut.tryEmitError(new SlowClientException());
			}
		}

		private void complete() {
			this.sink.tryEmitComplete();
			this.cut.tryEmitEmpty();
		}

		/**
		 * The client's stream: what the hub passes it; it leaves the hub when the stream
		 * ends.
		 * @return the stream
		 */
		Flux<byte[]> live() {
			return live(Flux.empty());
		}

		/**
		 * The client's stream: what it missed, then what the hub passes it; it leaves the
		 * hub when the stream ends.
		 * @param missed what it missed
		 * @return the stream
		 */
		Flux<byte[]> live(Flux<byte[]> missed) {
			Flux<byte[]> queued = this.sink.asFlux().doOnNext((event) -> this.waiting.decrementAndGet());
			Flux<byte[]> events = missed.concatWith(queued);
			if (this.disconnect == null) {
				// no connection to close: a client too far behind gets an error instead
				events = Flux.merge(events, this.cut.asMono());
			}
			return events.doFinally((signal) -> remove(this));
		}

	}

	/**
	 * A client more events behind than its buffer holds.
	 */
	static final class SlowClientException extends RuntimeException {

		SlowClientException() {
			super("the client fell too far behind; it may reconnect and resume after its last event id", null, false,
					false);
		}

	}

}
