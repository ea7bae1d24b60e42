package io.captionflow.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * This instance's view of the notification log's end, and its SSE subscribers.
 * <p>
 * Notifications reach the hub from this instance's sequencer at once, from every other
 * instance over the video-notifications topic (a consumer group of this instance's own),
 * and from the log itself every poll interval, which also fills any gap. The hub passes
 * on only the next id after the last one it passed on, so every subscriber sees the log
 * in order, without a gap or a duplicate, whichever way a notification came. It keeps the
 * newest notifications to replay to reconnecting clients; older ones are read from the
 * log.
 * <p>
 * Each subscriber has a bounded buffer; one that falls further behind is disconnected, so
 * a slow client never holds up the others. It reconnects and resumes after its last event
 * id.
 */
@Component
public class NotificationHub implements SmartLifecycle, ApplicationListener<ContextClosedEvent> {

	static final String EVENT_NAME = "video-stats-updated";

	static final String RESET_EVENT_NAME = "reset";

	private static final Logger logger = LoggerFactory.getLogger(NotificationHub.class);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	private static final ServerSentEvent<String> HEARTBEAT = ServerSentEvent.<String>builder()
		.comment("heartbeat")
		.build();

	private final NotificationReader reader;

	private final GatewayProperties.Sse sse;

	private final GatewayProperties.Notifications settings;

	private final Object lock = new Object();

	/** The newest id passed on; -1 until started. Guarded by {@link #lock}. */
	private long head = -1;

	/** The newest notifications passed on, oldest first. Guarded by {@link #lock}. */
	private final ArrayDeque<Entry> recent = new ArrayDeque<>();

	/** Guarded by {@link #lock}. */
	private final Set<Subscriber> subscribers = new HashSet<>();

	private final AtomicInteger clients = new AtomicInteger();

	private final AtomicBoolean catchingUp = new AtomicBoolean();

	private volatile boolean closing;

	private ScheduledExecutorService executor;

	NotificationHub(NotificationReader reader, GatewayProperties properties) {
		this.reader = reader;
		this.sse = properties.sse();
		this.settings = properties.notifications();
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
		long heartbeat = this.sse.heartbeat().toMillis();
		this.executor.scheduleAtFixedRate(this::heartbeat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
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
		offer(List.of(notification));
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
		if (gap && this.executor != null) {
			this.executor.execute(this::catchUp);
		}
	}

	/**
	 * A client's stream: what it missed after its last event id, then every new
	 * notification, of the given videos or of all.
	 * @param lastEventId the id of the last event the client saw, or null for a new
	 * client
	 * @param videoIds the videos to follow; all when empty
	 * @param disconnect closes the client's connection, when it falls too far behind
	 * @return the events, without the connect comment
	 */
	Flux<ServerSentEvent<String>> subscribe(Long lastEventId, Set<String> videoIds, Runnable disconnect) {
		if (this.closing) {
			return Flux.empty();
		}
		long known;
		synchronized (this.lock) {
			known = this.head;
		}
		if (lastEventId != null && lastEventId > known) {
			// ahead of this instance (it came from another one) or unknown to the log
			return this.reader.span()
				.flatMapMany((span) -> (lastEventId <= span.newest())
						? register(lastEventId, lastEventId, videoIds, disconnect)
						: reset(lastEventId, span, videoIds, disconnect));
		}
		return register((lastEventId != null) ? lastEventId : -1, 0, videoIds, disconnect);
	}

	private Flux<ServerSentEvent<String>> reset(long lastEventId, NotificationReader.Span span, Set<String> videoIds,
			Runnable disconnect) {
		return Flux.defer(() -> {
			Subscriber subscriber = new Subscriber(videoIds, 0, disconnect);
			long at = add(subscriber);
			return Flux.just(resetEvent(lastEventId, span, at)).concatWith(subscriber.live());
		});
	}

	/**
	 * Registers a subscriber that sees what follows {@code replayAfter}.
	 * @param replayAfter replay what follows this id, or -1 for nothing
	 * @param skipUpTo pass on nothing up to this id
	 * @param videoIds the videos
	 * @param disconnect closes the client's connection
	 * @return the stream
	 */
	private Flux<ServerSentEvent<String>> register(long replayAfter, long skipUpTo, Set<String> videoIds,
			Runnable disconnect) {
		return Flux.defer(() -> {
			Subscriber subscriber = new Subscriber(videoIds, skipUpTo, disconnect);
			List<ServerSentEvent<String>> replay = null;
			long at;
			synchronized (this.lock) {
				at = add(subscriber);
				if (replayAfter >= 0 && replayAfter >= this.head - this.recent.size()) {
					replay = new ArrayList<>();
					for (Entry entry : this.recent) {
						if (entry.seq() > replayAfter && subscriber.wants(entry)) {
							replay.add(entry.event());
						}
					}
				}
			}
			Flux<ServerSentEvent<String>> missed;
			if (replayAfter < 0) {
				missed = Flux.empty();
			}
			else if (replay != null) {
				missed = Flux.fromIterable(replay);
			}
			else {
				missed = fromLog(replayAfter, at, videoIds);
			}
			return subscriber.live(missed);
		});
	}

	/**
	 * What follows an id older than the hub keeps, read from the log; a {@code reset}
	 * event when the log no longer has all of it.
	 */
	private Flux<ServerSentEvent<String>> fromLog(long after, long upTo, Set<String> videoIds) {
		return this.reader.span().flatMapMany((span) -> {
			if (after < span.oldest() - 1) {
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

	private ServerSentEvent<String> resetEvent(long lastEventId, NotificationReader.Span span, long at) {
		String data = "{\"lastEventId\":" + lastEventId + ",\"oldestRetained\":" + span.oldest() + ",\"newest\":" + at
				+ "}";
		return ServerSentEvent.builder(data).event(RESET_EVENT_NAME).id(Long.toString(at)).build();
	}

	/**
	 * The number of SSE clients connected to this instance.
	 * @return live connections
	 */
	public int connectedClients() {
		return this.clients.get();
	}

	private long add(Subscriber subscriber) {
		synchronized (this.lock) {
			this.subscribers.add(subscriber);
			this.clients.set(this.subscribers.size());
			return this.head;
		}
	}

	private void remove(Subscriber subscriber) {
		synchronized (this.lock) {
			this.subscribers.remove(subscriber);
			this.clients.set(this.subscribers.size());
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
		List<Subscriber> behind = null;
		for (Subscriber subscriber : this.subscribers) {
			if (subscriber.wants(entry) && !subscriber.push(entry.event())) {
				behind = (behind != null) ? behind : new ArrayList<>();
				behind.add(subscriber);
			}
		}
		cutOff(behind);
	}

	private void heartbeat() {
		synchronized (this.lock) {
			List<Subscriber> behind = null;
			for (Subscriber subscriber : this.subscribers) {
				if (!subscriber.push(HEARTBEAT)) {
					behind = (behind != null) ? behind : new ArrayList<>();
					behind.add(subscriber);
				}
			}
			cutOff(behind);
		}
	}

	/** Called with the lock held. */
	private void cutOff(List<Subscriber> behind) {
		if (behind == null) {
			return;
		}
		int slow = 0;
		for (Subscriber subscriber : behind) {
			this.subscribers.remove(subscriber);
			subscriber.cut();
			slow += subscriber.behind ? 1 : 0;
		}
		this.clients.set(this.subscribers.size());
		if (slow > 0) {
			logger.info(
					"Disconnected {} SSE client(s) more than {} events behind; they resume after their last event id",
					slow, this.sse.clientBuffer());
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
			for (Subscriber subscriber : this.subscribers) {
				subscriber.complete();
			}
			this.subscribers.clear();
			this.clients.set(0);
		}
	}

	private static ServerSentEvent<String> event(VideoNotification notification) {
		return ServerSentEvent.builder(new String(EventJson.write(notification), StandardCharsets.UTF_8))
			.id(Long.toString(notification.id()))
			.event(EVENT_NAME)
			.build();
	}

	private record Entry(long seq, String videoId, ServerSentEvent<String> event) {
	}

	/**
	 * One client: the events waiting for it, at most the client buffer.
	 */
	private final class Subscriber {

		private final Set<String> videoIds;

		private final long skipUpTo;

		private final Sinks.Many<ServerSentEvent<String>> sink = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<ServerSentEvent<String>>unbounded(16).get());

		private final Sinks.Empty<ServerSentEvent<String>> cut = Sinks.empty();

		private final AtomicInteger waiting = new AtomicInteger();

		private final Runnable disconnect;

		private boolean behind;

		Subscriber(Set<String> videoIds, long skipUpTo, Runnable disconnect) {
			this.videoIds = videoIds;
			this.skipUpTo = skipUpTo;
			this.disconnect = disconnect;
		}

		boolean wants(Entry entry) {
			return entry.seq() > this.skipUpTo && (this.videoIds.isEmpty() || this.videoIds.contains(entry.videoId()));
		}

		/**
		 * Queues an event for the client. Called with the hub's lock held.
		 * @return whether the client takes it; false when it is too far behind or gone
		 */
		boolean push(ServerSentEvent<String> event) {
			if (this.waiting.incrementAndGet() > NotificationHub.this.sse.clientBuffer()) {
				this.behind = true;
				return false;
			}
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

		Flux<ServerSentEvent<String>> live() {
			return live(Flux.empty());
		}

		Flux<ServerSentEvent<String>> live(Flux<ServerSentEvent<String>> missed) {
			Flux<ServerSentEvent<String>> queued = this.sink.asFlux()
				.doOnNext((event) -> this.waiting.decrementAndGet());
			return Flux.merge(missed.concatWith(queued), this.cut.asMono()).doFinally((signal) -> remove(this));
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
