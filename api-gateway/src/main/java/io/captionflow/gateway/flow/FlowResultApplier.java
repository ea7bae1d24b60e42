package io.captionflow.gateway.flow;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.background.AfterCommit;
import io.captionflow.gateway.caption.CaptionOcrResults;
import io.captionflow.gateway.notify.NotificationLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Applies a flow event in one transaction: records its id (a redelivered event is a
 * no-op), updates the caption if the event is for its current revision, and appends the
 * notification.
 */
@Component
class FlowResultApplier {

	private static final Logger logger = LoggerFactory.getLogger(FlowResultApplier.class);

	static final String SOURCE = "ocr-worker";

	private final DatabaseClient db;

	private final CaptionOcrResults results;

	private final NotificationLog notifications;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final FlowMetrics metrics;

	FlowResultApplier(DatabaseClient db, CaptionOcrResults results, NotificationLog notifications,
			TransactionalOperator transaction, Clock clock, FlowMetrics metrics) {
		this.metrics = metrics;
		this.db = db;
		this.results = results;
		this.notifications = notifications;
		this.transaction = transaction;
		this.clock = clock;
	}

	Mono<Void> apply(FlowEvent event) {
		if (!wellFormedVideoId(event.videoId())) {
			// no video has such an id: the event is not ours, and no retry will change
			// that
			return Mono.error(new UnreadableEventException(event.getClass().getSimpleName() + " " + event.eventId()
					+ " names no valid video id (1 to 64 printable characters)", null));
		}
		Instant now = this.clock.instant();
		return switch (event) {
			// progress only moves forward and is no status change: no id to record, no
			// notification
			case FlowProgressed progressed -> this.results.progressed(progressed, now).then();
			case FlowStarted started -> once(started, now, this.results.started(started, now)
				.flatMap((changed) -> notifyIf(changed, event, VideoNotification.Status.STARTED, null)));
			case FlowCompleted completed -> once(completed, now, this.results.completed(completed, now)
				.flatMap((changed) -> notifyIf(changed, event,
						(completed.status() == FlowCompleted.Status.COMPLETE) ? VideoNotification.Status.COMPLETE
								: VideoNotification.Status.ERROR,
						completed.error())
					.then(changed ? AfterCommit.run(() -> this.metrics.applied(completed)) : Mono.empty())));
		};
	}

	/**
	 * Ends in {@code error} the caption of a flow event that could not be applied (one
	 * from the dead-letter topic), in one transaction with the notification: once,
	 * however often the dead letter is delivered, and only if the caption is still at the
	 * event's revision with its OCR in flight, so that neither a result applied meanwhile
	 * nor a newer save is overwritten.
	 * @param event the event that could not be applied
	 * @param reason why the caption ends in error
	 * @return completion
	 */
	Mono<Void> endInError(FlowEvent event, String reason) {
		if (!wellFormedVideoId(event.videoId())) {
			return Mono.error(new UnreadableEventException(event.getClass().getSimpleName() + " " + event.eventId()
					+ " names no valid video id (1 to 64 printable characters)", null));
		}
		Instant now = this.clock.instant();
		// an id of its own, not the event's: should the same event come again, it is
		// recorded as its own; a result it carries no longer changes the caption, which
		// has had its one outcome for this revision
		UUID id = UUID.nameUUIDFromBytes(("flow-dead-letter:" + event.eventId()).getBytes(StandardCharsets.UTF_8));
		return once(id, now,
				this.results.failedInFlight(event.videoId(), event.captionId(), event.revision(), reason, now)
					.flatMap((changed) -> notifyIf(changed, event, VideoNotification.Status.ERROR, reason)));
	}

	/**
	 * Whether a video id from an event can be one: a registered id is 1 to 64 letters,
	 * digits, '_', '.' or '-'.
	 * @param videoId the id
	 * @return true when it may name a video
	 */
	static boolean wellFormedVideoId(String videoId) {
		return videoId != null && !videoId.isEmpty() && videoId.length() <= 64
				&& videoId.chars().noneMatch(Character::isISOControl);
	}

	/**
	 * Applies a change in one transaction with the event's id, unless the id is already
	 * recorded.
	 */
	private Mono<Void> once(FlowEvent event, Instant now, Mono<Void> change) {
		return once(event.eventId(), now, change);
	}

	private Mono<Void> once(UUID eventId, Instant now, Mono<Void> change) {
		return this.transaction.transactional(markProcessed(eventId, now).flatMap((fresh) -> {
			if (!fresh) {
				logger.debug("Flow event {} was already applied", eventId);
				return Mono.empty();
			}
			return change;
		}));
	}

	private Mono<Boolean> markProcessed(UUID eventId, Instant now) {
		return this.db.sql("""
				insert into processed_events (event_id, processed_at)
				select :eventId, :at where not exists (select 1 from processed_events where event_id = :eventId)""")
			.bind("eventId", eventId.toString())
			.bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	private Mono<Void> notifyIf(boolean changed, FlowEvent event, VideoNotification.Status status,
			@Nullable String error) {
		if (!changed) {
			logger.info("{} for caption {} revision {} is stale or out of order; recorded, not applied",
					event.getClass().getSimpleName(), event.captionId(), event.revision());
			return Mono.empty();
		}
		return this.notifications
			.append(event.videoId(), NotificationLog.CAPTION_OCR_FLOW, status, error, event.captionId(), SOURCE)
			.then();
	}

}
