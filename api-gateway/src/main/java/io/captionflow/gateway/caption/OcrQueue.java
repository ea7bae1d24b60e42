package io.captionflow.gateway.caption;

import java.time.Instant;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.outbox.Outbox;
import io.captionflow.gateway.video.Video;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The one place that asks for a caption's OCR, asks again, or gives up on it: the
 * caption's status, its request in the outbox (replacing one not yet published) and the
 * notification the browsers hear of, all in the caller's transaction. Kafka is never
 * called here; the outbox relay publishes after commit.
 */
@Component
class OcrQueue {

	/** Who the caption module's notifications name as their source. */
	static final String SOURCE = "api-gateway";

	private final CaptionStore captions;

	private final Outbox outbox;

	private final NotificationLog notifications;

	OcrQueue(CaptionStore captions, Outbox outbox, NotificationLog notifications) {
		this.captions = captions;
		this.outbox = outbox;
		this.notifications = notifications;
	}

	/**
	 * Gives a caption new extents and queues its OCR under the new revision.
	 * @param key the caption
	 * @param change its new extents
	 * @param video its video, as locked by the edit
	 * @param at when
	 * @return the caption as it is now, or empty when it does not exist
	 */
	Mono<Caption> queue(CaptionKey key, ExtentsChange change, Video video, Instant at) {
		return this.captions.queueExtents(key, change, at)
			.flatMap((caption) -> request(key, change.range(), caption.revision(), video, at).thenReturn(caption));
	}

	/**
	 * Queues the OCR of a caption whose request was lost again, under a new revision, so
	 * that a late result of the lost request cannot overwrite the new one; unless the
	 * caption changed since it was found stuck.
	 * @param stuck the caption as found
	 * @param video its video
	 * @param at when
	 * @return whether it was queued again
	 */
	Mono<Boolean> requeue(CaptionStore.StuckCaption stuck, Video video, Instant at) {
		return this.captions.requeueStuck(stuck, at)
			.flatMap((changed) -> changed
					? request(stuck.key(), stuck.range(), stuck.revision() + 1, video, at).thenReturn(true)
					: Mono.just(false));
	}

	/**
	 * Ends a caption's OCR in {@code error} with the reason, under a new revision so that
	 * a late result of the request given up on cannot overwrite it; unless the caption
	 * changed since it was found stuck. Its request, if one still waits, is dropped.
	 * @param stuck the caption as found
	 * @param reason why, for the annotator
	 * @param at when
	 * @return whether it was ended
	 */
	Mono<Boolean> giveUp(CaptionStore.StuckCaption stuck, String reason, Instant at) {
		return this.captions.giveUpStuck(stuck, reason, at)
			.flatMap((changed) -> changed ? cancel(stuck.key())
				.then(this.notifications.append(stuck.key().videoId(), NotificationLog.CAPTION_OCR_FLOW,
						VideoNotification.Status.ERROR, reason, stuck.key().captionId(), SOURCE))
				.thenReturn(true) : Mono.just(false));
	}

	/**
	 * Drops the request of a caption that is gone, if it is not published yet.
	 * @param key the caption
	 * @return completion
	 */
	Mono<Void> cancel(CaptionKey key) {
		return this.outbox.discard(Topics.CAPTION_OCR_REQUESTS, key.captionId()).then();
	}

	private Mono<Void> request(CaptionKey key, FrameRange range, long revision, Video video, Instant at) {
		return this.outbox
			.replace(Topics.CAPTION_OCR_REQUESTS, key.videoId(), key.captionId(),
					CaptionOcrRequested.of(UUID.randomUUID(), key.videoId(), key.captionId(), revision, range.start(),
							range.end(), video.crop(), video.language(), video.media(), at))
			.then(this.notifications.append(key.videoId(), NotificationLog.CAPTION_OCR_FLOW,
					VideoNotification.Status.QUEUED, null, key.captionId(), SOURCE))
			.then();
	}

}
