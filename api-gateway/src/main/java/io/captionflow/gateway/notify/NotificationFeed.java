package io.captionflow.gateway.notify;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.admission.AdmissionProperties;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's {@link NotificationTail} at the end of the notification log,
 * which it passes on to the {@link NotificationHub}. The tail starts after the log's
 * newest id; the feed reads the log after the tail on a thread of its own, every poll
 * interval and whenever the tail asks (a gap, a hint from another instance). This
 * instance's sequencer {@link #offer offers} what it numbered at once, and the
 * video-notifications listener passes its {@link #hint hints} on. Every read of the log
 * also reads its epoch, so an instance learns of a new epoch at its next poll or hint,
 * without a query of its own.
 */
@Component
class NotificationFeed implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(NotificationFeed.class);

	private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

	private final NotificationReader reader;

	private final NotificationEpochs epochs;

	private final NotifyProperties.Notifications settings;

	private final NotificationTail tail;

	private volatile @Nullable ScheduledExecutorService executor;

	NotificationFeed(NotificationReader reader, NotificationEpochs epochs, NotificationHub hub,
			NotifyProperties properties, AdmissionProperties admission) {
		this.reader = reader;
		this.epochs = epochs;
		this.settings = properties.notifications();
		this.tail = new NotificationTail(properties.sse().replayBuffer(), admission.replays().maxLength(),
				this.settings.batchSize(), this::read, this::catchUpLater, hub::publish);
	}

	@Override
	public void start() {
		// the epoch is created at the first start, before anything is numbered
		long epoch = this.epochs.current().blockOptional(READ_TIMEOUT).orElseThrow().value();
		long newest = this.reader.span().blockOptional(READ_TIMEOUT).map(NotificationReader.Span::newest).orElse(0L);
		this.tail.start(epoch, newest);
		ScheduledExecutorService thread = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("notification-feed").daemon().factory());
		long poll = this.settings.pollInterval().toMillis();
		thread.scheduleWithFixedDelay(this.tail::catchUp, poll, poll, TimeUnit.MILLISECONDS);
		this.executor = thread;
		logger.info("Notification hub starts after notification {} of epoch {}", newest, epoch);
	}

	@Override
	public void stop() {
		ScheduledExecutorService thread = this.executor;
		if (thread != null) {
			thread.shutdownNow();
		}
		this.tail.stop();
	}

	@Override
	public boolean isRunning() {
		ScheduledExecutorService thread = this.executor;
		return thread != null && !thread.isShutdown();
	}

	@Override
	public int getPhase() {
		// the hub's: before the web server takes its first request and the sequencer
		// numbers, after they stopped
		return Integer.MAX_VALUE - 4096;
	}

	/**
	 * This instance's tail.
	 * @return the tail
	 */
	NotificationTail tail() {
		return this.tail;
	}

	/**
	 * Passes on notifications this instance numbered, without waiting for a read of the
	 * log.
	 * @param epoch the epoch they were numbered in
	 * @param numbered the notifications in id order
	 */
	void offer(long epoch, List<VideoNotification> numbered) {
		this.tail.offer(epoch, numbered);
	}

	/**
	 * Where the tail is: the epoch and the newest id this instance passed on in it.
	 * @return the position
	 */
	NotificationTail.Position position() {
		return this.tail.position();
	}

	/**
	 * Reads the log soon: its epoch changed.
	 */
	void refresh() {
		this.tail.catchUpSoon();
	}

	/**
	 * Reads the log soon when another instance numbered an id this one has not passed on.
	 * @param id the id
	 */
	void hint(long id) {
		this.tail.hint(id);
	}

	private NotificationTail.Page read(long after, int limit) {
		// a page, or an error: never nothing
		return Objects.requireNonNull(this.reader.page(after, limit).block(READ_TIMEOUT), "a page is always read");
	}

	private void catchUpLater(Runnable catchUp) {
		ScheduledExecutorService thread = this.executor;
		if (thread == null) {
			throw new RejectedExecutionException("the feed is not started");
		}
		thread.execute(catchUp);
	}

}
