package io.captionflow.gateway.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.background.RoundLoop;
import io.captionflow.gateway.outbox.Outbox;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Numbers committed notifications 1, 2, 3, … without gaps, on its own thread, within the
 * log's epoch. One sequencer numbers at a time, whichever gateway instance it runs in
 * (the row of {@code notification_sequencer_lock}, taken for a round), and it sees only
 * committed rows, so the log read in id order grows only at its end. In the round's
 * transaction each numbered notification also goes to the outbox for the other instances;
 * after the commit it goes straight to this instance's {@link NotificationFeed}. The
 * sequencer also prunes the log.
 * <p>
 * Before it numbers anything, a sequencer checks that the log did not go back (see
 * {@link LogLineage}): in every round, against the newest id this instance passed on in
 * the log's epoch; when it takes over numbering (its first round since it started or
 * since a round failed), also against the ids at the end of the video-notifications
 * topic. If the log went back, or the topic cannot be read in time, the epoch changes
 * before the round numbers.
 */
@Component
class NotificationSequencer extends RoundLoop {

	private static final Logger logger = LoggerFactory.getLogger(NotificationSequencer.class);

	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration LOCK_RETRY = Duration.ofMillis(50);

	/**
	 * How long reading the end of the video-notifications topic may take at a takeover.
	 */
	private static final Duration HINTS_TIMEOUT = Duration.ofSeconds(5);

	private final DatabaseClient db;

	private final Outbox outbox;

	private final TransactionalOperator transaction;

	private final NotificationFeed feed;

	private final NotificationEpochs epochs;

	private final HintedIds hintedIds;

	private final NotifyProperties.Notifications settings;

	private final Clock clock;

	private Instant nextPrune;

	/**
	 * Whether the next round that takes the lock takes over numbering: the first since
	 * this instance started or since a round failed (the database away, perhaps failed
	 * over). Only the sequencer's thread touches it.
	 */
	private boolean takeover = true;

	/** The end of the topic, read for the takeover; null until read. */
	private HintedIds.@Nullable Hints takeoverHints;

	NotificationSequencer(DatabaseClient db, Outbox outbox, TransactionalOperator transaction, NotificationFeed feed,
			NotificationEpochs epochs, HintedIds hintedIds, NotifyProperties properties, Clock clock) {
		// a failed round is retried at the poll interval
		super("notification-sequencer",
				new Timing(properties.notifications().batchSize(), properties.notifications().pollInterval(),
						LOCK_RETRY, properties.notifications().pollInterval(),
						properties.notifications().pollInterval(), ROUND_TIMEOUT));
		this.db = db;
		this.outbox = outbox;
		this.transaction = transaction;
		this.feed = feed;
		this.epochs = epochs;
		this.hintedIds = hintedIds;
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
		if (this.takeover && this.takeoverHints == null) {
			// outside the transaction: Kafka is never waited on with the lock held
			this.takeoverHints = this.hintedIds.newest(HINTS_TIMEOUT);
		}
		// read before the log: what this instance passed on was in the log by then
		NotificationTail.Position seen = this.feed.position();
		HintedIds.Hints hints = this.takeover ? this.takeoverHints : null;
		Numbered numbered;
		try {
			numbered = this.transaction
				.transactional(
						this.db.sql("select id from notification_sequencer_lock where id = 1 for update skip locked")
							.map((row) -> row.get("id", Integer.class))
							.all()
							.collectList()
							.flatMap((locked) -> locked.isEmpty() ? Mono.<Numbered>empty() : numberLocked(seen, hints)))
				.block(ROUND_TIMEOUT);
		}
		catch (RuntimeException ex) {
			// the database away: whatever it is when back, check it before numbering.
			// The topic is read once for the outage: nothing is numbered meanwhile
			this.takeover = true;
			throw ex;
		}
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		if (numbered != null) {
			this.takeover = false;
			this.takeoverHints = null;
			if (numbered.epochChanged()) {
				this.feed.refresh();
			}
			if (!numbered.notifications().isEmpty()) {
				this.feed.offer(numbered.epoch(), numbered.notifications());
			}
		}
		if (!this.clock.instant().isBefore(this.nextPrune)) {
			prune();
			this.nextPrune = this.clock.instant().plus(this.settings.pruneInterval());
		}
		return (numbered != null) ? numbered.notifications().size() : LOCKED_ELSEWHERE;
	}

	/**
	 * Numbers with the lock held, after it made sure that the log did not go back: when
	 * it did, the epoch changes first, so that no reissued number is taken for one seen.
	 */
	private Mono<Numbered> numberLocked(NotificationTail.Position seen, HintedIds.@Nullable Hints hints) {
		Mono<Long> newest = this.db.sql("select coalesce(max(seq), 0) as newest from flow_notifications")
			.map((row) -> row.get("newest", Long.class))
			.one();
		return Mono.zip(this.epochs.current(), newest).flatMap((found) -> {
			NotificationEpochs.Epoch epoch = found.getT1();
			String evidence = LogLineage.evidence(found.getT2(), epoch, seen, hints);
			long base = found.getT2();
			if (evidence == null) {
				return number(base, epoch.value(), false);
			}
			return this.epochs.replace(epoch.value()).flatMap((replaced) -> {
				logger.warn("The notification log went back: {}; epoch {} replaces {}, and its clients are sent reset",
						evidence, replaced.value(), epoch.value());
				return number(base, replaced.value(), true);
			});
		});
	}

	private Mono<Numbered> number(long base, long epoch, boolean epochChanged) {
		return numberWaiting(base).map((notifications) -> new Numbered(epoch, epochChanged, notifications));
	}

	/** Numbers the waiting notifications after {@code base}, the log's newest number. */
	private Mono<List<VideoNotification>> numberWaiting(long base) {
		return this.db.sql("select id from flow_notifications where seq is null order by id limit :limit")
			.bind("limit", this.settings.batchSize())
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList()
			.flatMap((ids) -> {
				if (ids.isEmpty()) {
					return Mono.just(List.<VideoNotification>of());
				}
				// the k-th waiting row (by insert id) gets base + k; the count depends on
				// ids
				// only, so it reads the same before and after the update
				Mono<Long> number = this.db.sql("""
						update flow_notifications set seq = :base + (select count(*) from flow_notifications o
						  where o.id in (:ids) and o.id <= flow_notifications.id)
						where id in (:ids)""").bind("base", base).bind("ids", ids).fetch().rowsUpdated();
				// each hint to the other instances is published in its change's trace
				return number.then(this.db
					.sql("select " + NotificationReader.COLUMNS
							+ ", trace_parent from flow_notifications where seq > :base order by seq")
					.bind("base", base)
					.map((row) -> new Traced(NotificationReader.notification(row),
							row.get("trace_parent", String.class)))
					.all()
					.collectList()).flatMap((numbered) -> {
						List<VideoNotification> notifications = numbered.stream().map(Traced::notification).toList();
						Map<Long, @Nullable String> traceParents = new HashMap<>();
						numbered
							.forEach((traced) -> traceParents.put(traced.notification().id(), traced.traceParent()));
						return this.outbox
							.appendAll(Topics.VIDEO_NOTIFICATIONS, VideoNotification::videoId, notifications,
									(notification) -> traceParents.get(notification.id()))
							.thenReturn(notifications);
					});
			});
	}

	private record Traced(VideoNotification notification, @Nullable String traceParent) {
	}

	/**
	 * What a round numbered, and in which epoch.
	 */
	private record Numbered(long epoch, boolean epochChanged, List<VideoNotification> notifications) {
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
