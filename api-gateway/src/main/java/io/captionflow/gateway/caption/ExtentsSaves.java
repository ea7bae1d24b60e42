package io.captionflow.gateway.caption;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.InvalidRequestException;
import io.captionflow.gateway.NotFoundException;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.outbox.Outbox;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Saves a caption's frame extents optimistically: in one transaction the caption becomes
 * {@code queued} with a new revision, its OCR request goes into the outbox and a
 * {@code queued} notification is appended. Kafka is never called here; the outbox relay
 * publishes after commit.
 */
@Component
class ExtentsSaves {

	static final String SOURCE = "api-gateway";

	private final CaptionStore captions;

	private final Outbox outbox;

	private final NotificationLog notifications;

	private final TransactionalOperator transaction;

	private final Clock clock;

	ExtentsSaves(CaptionStore captions, Outbox outbox, NotificationLog notifications, TransactionalOperator transaction,
			Clock clock) {
		this.captions = captions;
		this.outbox = outbox;
		this.notifications = notifications;
		this.transaction = transaction;
		this.clock = clock;
	}

	Mono<Caption> save(String videoId, long captionId, ExtentsRequest request) {
		int start = request.startFrameIndex();
		int end = request.endFrameIndex();
		if (end < start) {
			return Mono.error(new InvalidRequestException("endFrameIndex",
					"endFrameIndex " + end + " is before startFrameIndex " + start));
		}
		Instant now = this.clock.instant();
		Mono<Caption> save = this.captions.findSaveTarget(videoId, captionId)
			.switchIfEmpty(Mono.error(
					() -> new NotFoundException("caption " + captionId + " of video '" + videoId + "' does not exist")))
			.flatMap((target) -> {
				if (end >= target.frameCount()) {
					return Mono.error(new InvalidRequestException("endFrameIndex", "endFrameIndex " + end
							+ " is beyond the last frame of the video (" + (target.frameCount() - 1) + ")"));
				}
				return this.captions.queueExtents(videoId, captionId, start, end, request.state(), now)
					.then(this.captions.find(videoId, captionId))
					.flatMap((caption) -> this.outbox
						.append(Topics.CAPTION_OCR_REQUESTS, videoId,
								CaptionOcrRequested.of(UUID.randomUUID(), videoId, captionId, caption.revision(), start,
										end, target.crop(), target.language(), target.media(), now))
						.then(this.notifications.append(videoId, NotificationLog.CAPTION_OCR_FLOW,
								VideoNotification.Status.QUEUED, null, captionId, SOURCE))
						.thenReturn(caption));
			});
		return this.transaction.transactional(save);
	}

}
