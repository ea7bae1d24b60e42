package io.captionflow.gateway.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.background.RoundLoop;
import io.captionflow.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Numbers committed notifications 1, 2, 3, … without gaps, on its own thread. One
 * sequencer numbers at a time, whichever gateway instance it runs in (the row of
 * {@code notification_sequencer_lock}, taken for a round), and it sees only committed
 * rows, so the log read in id order grows only at its end. In the round's transaction
 * each numbered notification also goes to the outbox for the other instances; after the
 * commit it goes straight to this instance's {@link NotificationFeed}. The sequencer also
 * prunes the log.
 */
@Component
class NotificationSequencer extends RoundLoop {

	private static final Logger logger = LoggerFactory.getLogger(NotificationSequencer.class);

	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration LOCK_RETRY = Duration.ofMillis(50);

	private final DatabaseClient db;

	private final Outbox outbox;

	private final TransactionalOperator transaction;

	private final NotificationFeed feed;

	private final NotifyProperties.Notifications settings;

	private final Clock clock;

	private Instant nextPrune;

	NotificationSequencer(DatabaseClient db, Outbox outbox, TransactionalOperator transaction, NotificationFeed feed,
			NotifyProperties properties, Clock clock) {
		// a failed round is retried at the poll interval
		super("notification-sequencer",
				new Timing(properties.notifications().batchSize(), properties.notifications().pollInterval(),
						LOCK_RETRY, properties.notifications().pollInterval(),
						properties.notifications().pollInterval(), ROUND_TIMEOUT));
		this.db = db;
		this.outbox = outbox;
		this.transaction = transaction;
		this.feed = feed;
		this.settings = properties.notifications();
		this.clock = clock;
		this.nextPrune = clock.instant();
	}

	/**
	 * Numbers one batch of committed notifications, oldest insert first, and prunes the
	 * log when that is due.
	 * @return how many were numbered, or {@link #LOCKED_ELSEWHERE} when another
	 * instance's sequencer holds the lock
	 * @throws InterruptedException when stopped while waiting
	 */
	@Override
	protected int round() throws InterruptedException {
		List<VideoNotification> numbered = this.transaction
			.transactional(this.db.sql("select id from notification_sequencer_lock where id = 1 for update skip locked")
				.map((row) -> row.get("id", Integer.class))
				.all()
				.collectList()
				.flatMap((locked) -> locked.isEmpty() ? Mono.<List<VideoNotification>>empty() : numberLocked()))
			.block(ROUND_TIMEOUT);
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		if (numbered != null && !numbered.isEmpty()) {
			this.feed.offer(numbered);
		}
		if (!this.clock.instant().isBefore(this.nextPrune)) {
			prune();
			this.nextPrune = this.clock.instant().plus(this.settings.pruneInterval());
		}
		return (numbered != null) ? numbered.size() : LOCKED_ELSEWHERE;
	}

	private Mono<List<VideoNotification>> numberLocked() {
		Mono<Long> newest = this.db.sql("select coalesce(max(seq), 0) as newest from flow_notifications")
			.map((row) -> row.get("newest", Long.class))
			.one();
		Mono<List<Long>> waiting = this.db
			.sql("select id from flow_notifications where seq is null order by id limit :limit")
			.bind("limit", this.settings.batchSize())
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList();
		return Mono.zip(newest, waiting).flatMap((found) -> {
			long base = found.getT1();
			List<Long> ids = found.getT2();
			if (ids.isEmpty()) {
				return Mono.just(List.<VideoNotification>of());
			}
			// the k-th waiting row (by insert id) gets base + k; the count depends on ids
			// only, so it reads the same before and after the update
			Mono<Long> number = this.db.sql("""
					update flow_notifications set seq = :base + (select count(*) from flow_notifications o
					  where o.id in (:ids) and o.id <= flow_notifications.id)
					where id in (:ids)""").bind("base", base).bind("ids", ids).fetch().rowsUpdated();
			return number
				.then(this.db
					.sql("select " + NotificationReader.COLUMNS
							+ " from flow_notifications where seq > :base order by seq")
					.bind("base", base)
					.map(NotificationReader::notification)
					.all()
					.collectList())
				.flatMap((notifications) -> this.outbox
					.appendAll(Topics.VIDEO_NOTIFICATIONS, VideoNotification::videoId, notifications)
					.thenReturn(notifications));
		});
	}

	private void prune() {
		Instant now = this.clock.instant();
		// the newest notification stays, however old, so the log always knows its last id
		Long notifications = this.db.sql("""
				delete from flow_notifications where seq < (select max(seq) from flow_notifications)
				and (seq <= (select max(seq) from flow_notifications) - :count or created_at < :cutoff)""")
			.bind("count", this.settings.retainCount())
			.bind("cutoff", OffsetDateTime.ofInstant(now.minus(this.settings.retainAge()), ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.block(ROUND_TIMEOUT);
		if (notifications != null && notifications > 0) {
			logger.debug("Pruned {} notifications", notifications);
		}
	}

}
