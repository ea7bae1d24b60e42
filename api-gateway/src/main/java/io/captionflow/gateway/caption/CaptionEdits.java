package io.captionflow.gateway.caption;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.InvalidRequestException;
import io.captionflow.gateway.NotFoundException;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.outbox.Outbox;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Edits captions, each edit in one transaction, with the video's row locked so that edits
 * of one video never interleave.
 * <p>
 * Saving extents is optimistic: the caption becomes {@code queued} with a new revision,
 * its OCR request goes into the outbox (replacing one not yet published) and a
 * {@code queued} notification is appended. Kafka is never called here; the outbox relay
 * publishes after commit. The new range wins over its neighbours, as annotators expect: a
 * caption inside it is deleted, one containing it is split in two, one overlapping it is
 * trimmed; every neighbour whose range changed is marked pending review and queued for
 * OCR again.
 */
@Component
class CaptionEdits {

	static final String SOURCE = "api-gateway";

	private final CaptionStore captions;

	private final Outbox outbox;

	private final NotificationLog notifications;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final WorkLimits limits;

	CaptionEdits(CaptionStore captions, Outbox outbox, NotificationLog notifications, TransactionalOperator transaction,
			Clock clock, GatewayProperties properties) {
		this.captions = captions;
		this.outbox = outbox;
		this.notifications = notifications;
		this.transaction = transaction;
		this.clock = clock;
		this.limits = properties.limits().work();
	}

	Mono<SaveResult> saveExtents(String videoId, long captionId, ExtentsRequest request) {
		int start = request.startFrameIndex();
		int end = request.endFrameIndex();
		Instant now = this.clock.instant();
		Mono<SaveResult> save = checkRange(start, end).then(this.captions.lockCaption(videoId, captionId))
			// which of the two is missing, for the problem's detail
			.switchIfEmpty(Mono.defer(
					() -> lockVideo(videoId, start, end).then(Mono.error(() -> captionNotFound(videoId, captionId)))))
			.flatMap((target) -> checkEnd(target, end))
			.flatMap((target) -> resolveOverlaps(videoId, captionId, start, end, target, now)
				.flatMap((overlaps) -> queue(videoId, captionId, start, end, request.state(), false, target, now)
					.map(overlaps::withCaption)));
		return this.transaction.transactional(save);
	}

	Mono<SaveResult> create(String videoId, CreateRequest request) {
		int start = request.startFrameIndex();
		int end = request.endFrameIndex();
		Instant now = this.clock.instant();
		Mono<SaveResult> create = lockVideo(videoId, start, end)
			.flatMap((target) -> this.captions.insert(videoId, start, end, request.state(), request.text(), now)
				.flatMap((captionId) -> resolveOverlaps(videoId, captionId, start, end, target, now)
					.flatMap((overlaps) -> queue(videoId, captionId, start, end, request.state(), false, target, now)
						.map(overlaps::withCaption))));
		return this.transaction.transactional(create);
	}

	Mono<Caption> saveText(String videoId, long captionId, TextRequest request) {
		Mono<Caption> save = this.captions
			.updateText(videoId, captionId, request.text(), "pending".equals(request.textStatus()), request.notes(),
					this.clock.instant())
			.flatMap((count) -> (count > 0) ? edited(videoId, captionId).then(this.captions.find(videoId, captionId))
					: Mono.error(captionNotFound(videoId, captionId)));
		return this.transaction.transactional(save);
	}

	Mono<Void> delete(String videoId, long captionId) {
		Mono<Void> delete = this.captions.delete(videoId, captionId)
			.flatMap((count) -> (count > 0)
					? this.outbox.discard(Topics.CAPTION_OCR_REQUESTS, captionId).then(edited(videoId, captionId))
					: Mono.error(captionNotFound(videoId, captionId)))
			.then();
		return this.transaction.transactional(delete);
	}

	/** Tells the browsers a caption changed without OCR, in the edit's transaction. */
	private Mono<Void> edited(String videoId, long captionId) {
		return this.notifications.append(videoId, NotificationLog.CAPTION_EDIT_FLOW, VideoNotification.Status.COMPLETE,
				null, captionId, SOURCE);
	}

	private Mono<CaptionStore.SaveTarget> lockVideo(String videoId, int start, int end) {
		return checkRange(start, end).then(this.captions.lockVideo(videoId))
			.switchIfEmpty(Mono.error(() -> new NotFoundException("video '" + videoId + "' does not exist")))
			.flatMap((target) -> checkEnd(target, end));
	}

	/** The range on its own, before any row is locked. */
	private Mono<Void> checkRange(int start, int end) {
		return this.limits.checkRange(start, end, Long.MAX_VALUE)
			.map((violation) -> Mono.<Void>error(new InvalidRequestException(violation.field(), violation.message())))
			.orElse(Mono.empty());
	}

	/**
	 * The range against the video, and the video's caption box against the limits: a
	 * video registered before the limits were may have a box no worker would take.
	 */
	private Mono<CaptionStore.SaveTarget> checkEnd(CaptionStore.SaveTarget target, int end) {
		if (end >= target.frameCount()) {
			return Mono.error(new InvalidRequestException("endFrameIndex", "endFrameIndex " + end
					+ " is beyond the last frame of the video (" + (target.frameCount() - 1) + ")"));
		}
		Optional<WorkLimits.Violation> violation = this.limits.checkCrop(target.crop(), target.width(), target.height())
			.map((crop) -> new WorkLimits.Violation("crop",
					"the video's " + crop.message() + "; change it with PATCH /api/videos/{id}"));
		return violation
			.map((broken) -> Mono.<CaptionStore.SaveTarget>error(
					new InvalidRequestException(broken.field(), broken.message())))
			.orElse(Mono.just(target));
	}

	/**
	 * Makes room for the range {@code [start, end]} of one caption among the others.
	 */
	private Mono<SaveResult> resolveOverlaps(String videoId, long captionId, int start, int end,
			CaptionStore.SaveTarget target, Instant now) {
		SaveResult result = SaveResult.empty();
		return this.captions.findOverlapping(videoId, captionId, start, end)
			.collectList()
			.flatMapMany(Flux::fromIterable)
			.concatMap((other) -> {
				int otherStart = other.startFrameIndex();
				int otherEnd = other.endFrameIndex();
				if (otherStart >= start && otherEnd <= end) {
					result.deleted().add(other.id());
					return this.captions.delete(videoId, other.id())
						.then(this.outbox.discard(Topics.CAPTION_OCR_REQUESTS, other.id()));
				}
				if (otherStart < start && otherEnd > end) {
					return queue(videoId, other.id(), otherStart, start - 1, null, true, target, now)
						.doOnNext(result.modified()::add)
						.then(this.captions.insert(videoId, end + 1, otherEnd, other.extentsState(), other.text(), now))
						.flatMap((rightId) -> queue(videoId, rightId, end + 1, otherEnd, null, true, target, now))
						.doOnNext(result.created()::add);
				}
				Mono<Caption> trimmed = (otherStart < start)
						? queue(videoId, other.id(), otherStart, start - 1, null, true, target, now)
						: queue(videoId, other.id(), end + 1, otherEnd, null, true, target, now);
				return trimmed.doOnNext(result.modified()::add);
			})
			.then(Mono.just(result));
	}

	/**
	 * Gives a caption a range, queues its OCR and tells the browsers.
	 */
	private Mono<Caption> queue(String videoId, long captionId, int start, int end, String state, boolean pending,
			CaptionStore.SaveTarget target, Instant now) {
		return this.captions.queueExtents(videoId, captionId, start, end, state, pending, now)
			.flatMap((caption) -> this.outbox
				.replace(Topics.CAPTION_OCR_REQUESTS, videoId, captionId,
						CaptionOcrRequested.of(UUID.randomUUID(), videoId, captionId, caption.revision(), start, end,
								target.crop(), target.language(), target.media(), now))
				.then(this.notifications.append(videoId, NotificationLog.CAPTION_OCR_FLOW,
						VideoNotification.Status.QUEUED, null, captionId, SOURCE))
				.thenReturn(caption));
	}

	private static NotFoundException captionNotFound(String videoId, long captionId) {
		return new NotFoundException("caption " + captionId + " of video '" + videoId + "' does not exist");
	}

	/**
	 * What an edit of extents did: the caption saved, and the neighbours it deleted,
	 * changed and created.
	 *
	 * @param caption the caption saved
	 * @param deleted ids of the captions that were inside the new range
	 * @param modified neighbours trimmed (or the left part of a split), queued again
	 * @param created the right parts of split neighbours, queued
	 */
	record SaveResult(Caption caption, List<Long> deleted, List<Caption> modified, List<Caption> created) {

		static SaveResult empty() {
			return new SaveResult(null, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		}

		SaveResult withCaption(Caption saved) {
			return new SaveResult(saved, List.copyOf(this.deleted), List.copyOf(this.modified),
					List.copyOf(this.created));
		}

	}

}
