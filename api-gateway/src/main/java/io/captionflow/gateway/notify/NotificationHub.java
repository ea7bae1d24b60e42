package io.captionflow.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.RecordFailedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * This instance's view of the notification log's end, and its SSE subscribers.
 * <p>
 * Notifications reach the hub from this instance's sequencer at once, and from the log
 * itself: every poll interval, on a gap, and whenever a record on the video-notifications
 * topic (a consumer group of this instance's own) says another instance numbered one. The
 * record is only that hint: what the hub passes on is read from the log, so a record
 * written to the topic by anyone else cannot reach a browser, nor take the place of a
 * real notification's id. The hub passes on only the next id after the last one it passed
 * on, so every subscriber sees the log in order, without a gap or a duplicate, whichever
 * way a notification came. It keeps the newest notifications to replay to reconnecting
 * clients; older ones are read from the log.
 * <p>
 * Each subscriber has a bounded buffer; one that falls further behind is disconnected, so
 * a slow client never holds up the others. It reconnects and resumes after its last event
 * id.
 * <p>
 * Replays from the log are bounded: at most {@code admission.replays.max-concurrent} run
 * at once (a client that would need one more is refused before its stream starts), and a
 * client more than {@code admission.replays.max-length} notifications behind gets the
 * {@code reset} event instead of a scan of the log.
 */
@Component
public class NotificationHub implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	static final String EVENT_NAME = "video-stats-updated";

	static final String RESET_EVENT_NAME = "reset";

	private static final Logger logger = LoggerFactory.getLogger(NotificationHub.class);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	private static final byte[] HEARTBEAT = ":heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

	private final NotificationReader reader;

	private final GatewayProperties.Sse sse;

	private final GatewayProperties.Notifications settings;

	private final GatewayProperties.Replays replays;

	/** Replays from the log that may still start now. */
	private final Semaphore replayPermits;

	private final Counter replaysRefused;

	private final Counter replaysReset;

	private final Object lock = new Object();

	/** The newest id passed on; -1 until started. Guarded by {@link #lock}. */
	private long head = -1;

	/** The newest notifications passed on, oldest first. Guarded by {@link #lock}. */
	private final ArrayDeque<Entry> recent = new ArrayDeque<>();

	/**
	 * The subscribers, by the thread that writes to their connections (a Netty event
	 * loop): the hub hands each notification to those threads, which pass it on to their
	 * own subscribers in parallel. Added to with {@link #lock} held.
	 */
	private final Map<Executor, Set<Subscriber>> groups = new ConcurrentHashMap<>();

	private final AtomicInteger clients = new AtomicInteger();

	private final AtomicBoolean catchingUp = new AtomicBoolean();

	private final AtomicBoolean catchUpQueued = new AtomicBoolean();

	private volatile boolean closing;

	private ScheduledExecutorService executor;

	NotificationHub(NotificationReader reader, GatewayProperties properties, MeterRegistry meters) {
		this.reader = reader;
		this.sse = properties.sse();
		this.settings = properties.notifications();
		this.replays = properties.admission().replays();
		this.replayPermits = new Semaphore(Math.max(0, this.replays.maxConcurrent()));
		this.replaysRefused = Counter.builder("captionflow.sse.rejected")
			.description("Event streams refused before they started")
			.tag("reason", "replays")
			.register(meters);
		this.replaysReset = Counter.builder("captionflow.sse.replays.reset")
			.description("Reconnecting clients sent reset for being more than max-length behind")
			.register(meters);
		Gauge
			.builder("captionflow.sse.replays.active", this,
					(hub) -> hub.replays.maxConcurrent() - hub.replayPermits.availablePermits())
			.description("Replays from the notification log running now")
			.register(meters);
	}

	@Override
	public void start() {
		long newest = this.reader.span().blockOptional(READ_TIMEOUT).map(NotificationReader.Span::newest).orElse(0L);
		synchronized (this.lock) {
			this.head = newest;
		}
		this.closing = false;
		this.executor = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("notification-hub").daemon().factory());
		long poll = this.settings.pollInterval().toMillis();
		this.executor.scheduleWithFixedDelay(this::catchUp, poll, poll, TimeUnit.MILLISECONDS);
		long check = Math.max(1, this.sse.heartbeat().toMillis() / 3);
		this.executor.scheduleAtFixedRate(this::heartbeat, check, check, TimeUnit.MILLISECONDS);
		logger.info("Notification hub starts after notification {}", newest);
	}

	@Override
	public void stop() {
		closeStreams();
		this.executor.shutdownNow();
		synchronized (this.lock) {
			this.head = -1;
			this.recent.clear();
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

	@KafkaListener(id = "video-notifications", topics = "#{T(io.captionflow.events.Topics).VIDEO_NOTIFICATIONS.name()}",
			groupId = "#{'gateway-sse-' + T(java.util.UUID).randomUUID()}",
			// a group of this instance's own, read from now on: its offsets matter to no
			// one, so the client commits them now and then instead of the container
			// after every record
			properties = { "auto.offset.reset=latest", "enable.auto.commit=true" })
	void onNotification(VideoNotification notification) {
		RecordFailedException.handle(() -> {
			boolean newer;
			synchronized (this.lock) {
				newer = this.head >= 0 && notification.id() > this.head;
			}
			if (newer) {
				catchUpSoon();
			}
		});
	}

	/**
	 * Reads the log after the last id passed on, on the hub's thread; hints that come
	 * while a read is waiting to run are served by that one read.
	 */
	private void catchUpSoon() {
		ScheduledExecutorService hubThread = this.executor;
		if (hubThread != null && this.catchUpQueued.compareAndSet(false, true)) {
			try {
				hubThread.execute(() -> {
					this.catchUpQueued.set(false);
					catchUp();
				});
			}
			catch (RejectedExecutionException ex) {
				// the hub is stopping
				this.catchUpQueued.set(false);
			}
		}
	}

	/**
	 * Passes on notifications in id order; those already passed on are ignored, and a gap
	 * makes the hub read the missing ones from the log.
	 * @param notifications notifications in id order
	 */
	void offer(List<VideoNotification> notifications) {
		boolean gap = false;
		synchronized (this.lock) {
			if (this.head < 0) {
				return;
			}
			for (VideoNotification notification : notifications) {
				if (notification.id() <= this.head) {
					continue;
				}
				if (notification.id() != this.head + 1) {
					gap = true;
					break;
				}
				publish(notification);
			}
		}
		if (gap) {
			catchUpSoon();
		}
	}

	/**
	 * A client's stream: what it missed after its last event id, then every new
	 * notification, of the given videos or of all.
	 * @param lastEventId the id of the last event the client saw, or null for a new
	 * client
	 * @param videoIds the videos to follow; all when empty
	 * @param client the client's connection
	 * @return the events, without the connect comment; or a {@link ReplaysBusyException}
	 * when the client would be replayed from the log and the most replays allowed are
	 * running
	 */
	Mono<Flux<byte[]>> subscribe(Long lastEventId, Set<String> videoIds, Client client) {
		if (this.closing) {
			return Mono.just(Flux.empty());
		}
		if (lastEventId == null) {
			return Mono.just(register(-1, 0, videoIds, client));
		}
		long known;
		boolean inMemory;
		synchronized (this.lock) {
			known = this.head;
			inMemory = lastEventId >= this.head - this.recent.size();
		}
		if (lastEventId > known) {
			// ahead of this instance (it came from another one) or unknown to the log
			return this.reader.span()
				.map((span) -> (lastEventId <= span.newest()) ? register(lastEventId, lastEventId, videoIds, client)
						: reset(lastEventId, span, videoIds, client));
		}
		if (inMemory || tooFarBehind(lastEventId, known)) {
			return Mono.just(register(lastEventId, 0, videoIds, client));
		}
		// refused before the stream starts while every replay is running; the permit
		// itself is taken once the stream runs, so that a client gone before it starts
		// holds none
		if (this.replayPermits.availablePermits() == 0) {
			this.replaysRefused.increment();
			return Mono.error(new ReplaysBusyException(this.replays.maxConcurrent()));
		}
		return Mono.just(register(lastEventId, 0, videoIds, client));
	}

	private boolean tooFarBehind(long after, long upTo) {
		return upTo - after > this.replays.maxLength();
	}

	private Flux<byte[]> reset(long lastEventId, NotificationReader.Span span, Set<String> videoIds, Client client) {
		return Flux.defer(() -> {
			Subscriber subscriber = new Subscriber(videoIds, 0, client);
			long at = add(subscriber);
			return Flux.just(resetEvent(lastEventId, span, at)).concatWith(subscriber.live());
		});
	}

	/**
	 * Registers a subscriber that sees what follows {@code replayAfter}.
	 * @param replayAfter replay what follows this id, or -1 for nothing
	 * @param skipUpTo pass on nothing up to this id
	 * @param videoIds the videos
	 * @param client the client's connection
	 * @return the stream
	 */
	private Flux<byte[]> register(long replayAfter, long skipUpTo, Set<String> videoIds, Client client) {
		return Flux.defer(() -> {
			Subscriber subscriber = new Subscriber(videoIds, skipUpTo, client);
			List<byte[]> replay = null;
			long at;
			synchronized (this.lock) {
				at = add(subscriber);
				if (replayAfter >= 0 && replayAfter >= this.head - this.recent.size()) {
					replay = new ArrayList<>();
					for (Entry entry : this.recent) {
						if (entry.seq() > replayAfter && subscriber.follows(entry.videoId())) {
							replay.add(entry.event());
						}
					}
				}
			}
			Flux<byte[]> missed;
			if (replayAfter < 0) {
				missed = Flux.empty();
			}
			else if (replay != null) {
				missed = Flux.fromIterable(replay);
			}
			else if (tooFarBehind(replayAfter, at)) {
				missed = fromLog(replayAfter, at, videoIds);
			}
			else {
				ReplayPermit reading = ReplayPermit.take(this.replayPermits);
				if (reading == null) {
					// the replays filled up since the client was admitted: end the
					// stream; it reconnects after the retry delay
					remove(subscriber);
					return Flux.empty();
				}
				// read whole (at most max-length notifications) under the permit, then
				// sent as the client reads: a client that does not read holds no permit
				missed = fromLog(replayAfter, at, videoIds).collectList()
					.doFinally(reading::release)
					.flatMapIterable((events) -> events);
			}
			return subscriber.live(missed);
		});
	}

	/**
	 * What follows an id older than the hub keeps, read from the log; a {@code reset}
	 * event when the log no longer has all of it.
	 */
	private Flux<byte[]> fromLog(long after, long upTo, Set<String> videoIds) {
		return this.reader.span().flatMapMany((span) -> {
			if (after < span.oldest() - 1) {
				return Flux.just(resetEvent(after, span, upTo));
			}
			if (tooFarBehind(after, upTo)) {
				this.replaysReset.increment();
				return Flux.just(resetEvent(after, span, upTo));
			}
			int batch = this.settings.batchSize();
			return this.reader.read(after, upTo, videoIds, batch)
				.collectList()
				.expand((page) -> (page.size() < batch) ? Mono.empty()
						: this.reader.read(page.get(page.size() - 1).id(), upTo, videoIds, batch).collectList())
				.flatMapIterable((page) -> page)
				.map(NotificationHub::event);
		});
	}

	private byte[] resetEvent(long lastEventId, NotificationReader.Span span, long at) {
		String data = "{\"lastEventId\":" + lastEventId + ",\"oldestRetained\":" + span.oldest() + ",\"newest\":" + at
				+ "}";
		return frame(at, RESET_EVENT_NAME, data);
	}

	/**
	 * The number of SSE clients connected to this instance.
	 * @return live connections
	 */
	public int connectedClients() {
		return this.clients.get();
	}

	/**
	 * Adds a subscriber, which takes what follows the current head.
	 * @return the head
	 */
	private long add(Subscriber subscriber) {
		synchronized (this.lock) {
			subscriber.floor = Math.max(subscriber.floor, this.head);
			this.groups.computeIfAbsent(subscriber.executor, (executor) -> ConcurrentHashMap.newKeySet())
				.add(subscriber);
			this.clients.incrementAndGet();
			return this.head;
		}
	}

	private void remove(Subscriber subscriber) {
		Set<Subscriber> group = this.groups.get(subscriber.executor);
		if (group != null && group.remove(subscriber)) {
			this.clients.decrementAndGet();
		}
	}

	/** Called with the lock held. */
	private void publish(VideoNotification notification) {
		this.head = notification.id();
		Entry entry = new Entry(notification.id(), notification.videoId(), event(notification));
		this.recent.addLast(entry);
		while (this.recent.size() > this.sse.replayBuffer()) {
			this.recent.removeFirst();
		}
		// handed over in id order with the lock held: each thread passes them on in
		// that order
		this.groups.forEach((executor, group) -> execute(executor, () -> deliver(group, entry, entry.event(), 0)));
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
	private void deliver(Set<Subscriber> group, Entry entry, byte[] frame, long idleSince) {
		int slow = 0;
		for (Subscriber subscriber : group) {
			boolean wanted = (entry != null) ? subscriber.wants(entry) : subscriber.lastSent - idleSince <= 0;
			if (wanted && !subscriber.push(frame)) {
				remove(subscriber);
				subscriber.cut();
				slow += subscriber.behind ? 1 : 0;
			}
		}
		if (slow > 0) {
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

	private void catchUp() {
		if (!this.catchingUp.compareAndSet(false, true)) {
			return;
		}
		try {
			int batch = this.settings.batchSize();
			List<VideoNotification> page;
			do {
				long after;
				synchronized (this.lock) {
					after = this.head;
				}
				if (after < 0) {
					return;
				}
				page = this.reader.read(after, Long.MAX_VALUE, Set.of(), batch).collectList().block(READ_TIMEOUT);
				if (page == null || page.isEmpty()) {
					return;
				}
				offer(page);
			}
			while (page.size() == batch);
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot read the notification log: {}", ex.toString());
		}
		finally {
			this.catchingUp.set(false);
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

	private static byte[] event(VideoNotification notification) {
		return frame(notification.id(), EVENT_NAME, new String(EventJson.write(notification), StandardCharsets.UTF_8));
	}

	/**
	 * One event in the {@code text/event-stream} format, encoded once for every client.
	 * @param id the event id
	 * @param name the event name
	 * @param json the data: JSON, which has no line break
	 * @return the bytes
	 */
	private static byte[] frame(long id, String name, String json) {
		return ("id:" + id + "\nevent:" + name + "\ndata:" + json + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	private record Entry(long seq, String videoId, byte[] event) {
	}

	/**
	 * A client's connection.
	 *
	 * @param executor the thread that writes to it
	 * @param disconnect closes it; null when it cannot be closed directly (the stream
	 * then ends with an error instead)
	 */
	record Client(Executor executor, Runnable disconnect) {

		/** A connection written from any thread, closed by ending its stream in error. */
		static final Client ANY_THREAD = new Client(Runnable::run, null);

	}

	/**
	 * One client: the events waiting for it, at most the client buffer.
	 */
	private final class Subscriber {

		private final Set<String> videoIds;

		private final Sinks.Many<byte[]> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<byte[]>unbounded(16).get());

		private final Sinks.Empty<byte[]> cut = Sinks.empty();

		private final AtomicInteger waiting = new AtomicInteger();

		private final Executor executor;

		private final Runnable disconnect;

		/** Pass on nothing up to this id: the client has it, or it was replayed. */
		private volatile long floor;

		private boolean behind;

		/** When the client was last sent something, by {@link System#nanoTime()}. */
		private long lastSent = System.nanoTime();

		Subscriber(Set<String> videoIds, long skipUpTo, Client client) {
			this.videoIds = videoIds;
			this.floor = skipUpTo;
			this.executor = client.executor();
			this.disconnect = client.disconnect();
		}

		boolean wants(Entry entry) {
			return entry.seq() > this.floor && follows(entry.videoId());
		}

		boolean follows(String videoId) {
			return this.videoIds.isEmpty() || this.videoIds.contains(videoId);
		}

		/**
		 * Queues an event for the client. Called on the client's connection thread.
		 * @return whether the client takes it; false when it is too far behind or gone
		 */
		boolean push(byte[] event) {
			if (this.waiting.incrementAndGet() > NotificationHub.this.sse.clientBuffer()) {
				this.behind = true;
				return false;
			}
			this.lastSent = System.nanoTime();
			return this.sink.tryEmitNext(event).isSuccess();
		}

		void cut() {
			if (this.disconnect != null) {
				// closing the connection cancels the stream, without an error to log
				this.disconnect.run();
			}
			else {
				this.cut.tryEmitError(new SlowClientException());
			}
		}

		void complete() {
			this.sink.tryEmitComplete();
			this.cut.tryEmitEmpty();
		}

		Flux<byte[]> live() {
			return live(Flux.empty());
		}

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
	 * A permit to replay from the log, released once however often it is released.
	 */
	private static final class ReplayPermit {

		private final Semaphore permits;

		private final AtomicBoolean released = new AtomicBoolean();

		private ReplayPermit(Semaphore permits) {
			this.permits = permits;
		}

		static ReplayPermit take(Semaphore permits) {
			return permits.tryAcquire() ? new ReplayPermit(permits) : null;
		}

		void release(SignalType signal) {
			release();
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				this.permits.release();
			}
		}

	}

	/**
	 * A client that would be replayed from the log while the most replays allowed are
	 * running.
	 */
	static final class ReplaysBusyException extends RuntimeException {

		ReplaysBusyException(int running) {
			super(running + " clients are being replayed from the notification log, the most at once", null, false,
					false);
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
