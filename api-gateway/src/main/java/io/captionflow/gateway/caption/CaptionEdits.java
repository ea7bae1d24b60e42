package io.captionflow.gateway.caption;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import io.captionflow.events.VideoNotification;
import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.video.VideoProperties;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.video.Video;
import io.captionflow.gateway.video.Videos;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Edits captions, each edit in one transaction, with the video's row locked so that edits
 * of one video never interleave.
 * <p>
 * Saving extents is optimistic: the caption becomes {@code queued} with a new revision
 * and its OCR is asked for through the {@link OcrQueue}. The new range wins over its
 * neighbours as {@link Overlap} decides; every neighbour whose range changed is marked
 * pending review and queued for OCR again.
 */
@Component
class CaptionEdits {

	private final CaptionStore captions;

	private final Videos videos;

	private final OcrQueue ocr;

	private final NotificationLog notifications;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final WorkLimits limits;

	CaptionEdits(CaptionStore captions, Videos videos, OcrQueue ocr, NotificationLog notifications,
			TransactionalOperator transaction, Clock clock, VideoProperties properties) {
		this.captions = captions;
		this.videos = videos;
		this.ocr = ocr;
		this.notifications = notifications;
		this.transaction = transaction;
		this.clock = clock;
		this.limits = properties.limits().work();
	}

	Mono<SaveResult> saveExtents(CaptionKey key, ExtentsRequest request) {
		Instant now = this.clock.instant();
		Mono<SaveResult> save = checkRange(request.startFrameIndex(), request.endFrameIndex())
			.flatMap((range) -> lockVideo(key.videoId(), range).flatMap((video) -> lockCaption(key, video))
				.flatMap((video) -> save(key, ExtentsChange.saved(range, request.extentsState()), video, now)));
		return this.transaction.transactional(save);
	}

	Mono<SaveResult> create(String videoId, CreateRequest request) {
		Instant now = this.clock.instant();
		ExtentsState state = request.extentsState();
		Mono<SaveResult> create = checkRange(request.startFrameIndex(), request.endFrameIndex())
			.flatMap((range) -> lockVideo(videoId, range)
				.flatMap((video) -> this.captions.insert(videoId, range, state, request.text(), now)
					.flatMap((captionId) -> save(new CaptionKey(videoId, captionId), ExtentsChange.saved(range, state),
							video, now))));
		return this.transaction.transactional(create);
	}

	Mono<Caption> saveText(CaptionKey key, TextRequest request) {
		Mono<Caption> save = this.captions
			.updateText(key, request.text(), request.status() == TextStatus.PENDING, request.notes(),
					this.clock.instant())
			.flatMap((count) -> (count > 0) ? edited(key).then(this.captions.find(key)) : Mono.error(key.notFound()));
		return this.transaction.transactional(save);
	}

	Mono<Void> delete(CaptionKey key) {
		Mono<Void> delete = this.captions.delete(key)
			.flatMap((count) -> (count > 0) ? this.ocr.cancel(key).then(edited(key)) : Mono.error(key.notFound()))
			.then();
		return this.transaction.transactional(delete);
	}

	/** Tells the browsers a caption changed without OCR, in the edit's transaction. */
	private Mono<Void> edited(CaptionKey key) {
		return this.notifications.append(key.videoId(), NotificationLog.CAPTION_EDIT_FLOW,
				VideoNotification.Status.COMPLETE, null, key.captionId(), OcrQueue.SOURCE);
	}

	/**
	 * The range on its own, before any row is locked; a range is built only once it
	 * passed.
	 */
	private Mono<FrameRange> checkRange(int start, int end) {
		return this.limits.checkRange(start, end, Long.MAX_VALUE)
			.map((violation) -> Mono
				.<FrameRange>error(new InvalidRequestException(violation.field(), violation.message())))
			.orElseGet(() -> Mono.just(new FrameRange(start, end)));
	}

	/**
	 * Makes room for a caption's new extents among its neighbours, then gives the caption
	 * its extents and queues its OCR.
	 */
	private Mono<SaveResult> save(CaptionKey key, ExtentsChange change, Video video, Instant now) {
		return resolveOverlaps(key, change.range(), video, now)
			.flatMap((overlaps) -> this.ocr.queue(key, change, video, now).map(overlaps::withCaption));
	}

	/** Locks the video first, then the range against it, as every edit does. */
	private Mono<Video> lockVideo(String videoId, FrameRange range) {
		return this.videos.lock(videoId)
			.switchIfEmpty(Mono.error(() -> Videos.notFound(videoId)))
			.flatMap((video) -> checkEnd(video, range.end()));
	}

	/** Locks the caption once its video is locked. */
	private Mono<Video> lockCaption(CaptionKey key, Video video) {
		return this.captions.lock(key).flatMap((exists) -> exists ? Mono.just(video) : Mono.error(key::notFound));
	}

	/**
	 * The range against the video, and the video's caption box against the limits: a
	 * video registered before the limits were may have a box no worker would take.
	 */
	private Mono<Video> checkEnd(Video video, int end) {
		if (end >= video.frameCount()) {
			return Mono.error(new InvalidRequestException("endFrameIndex", "endFrameIndex " + end
					+ " is beyond the last frame of the video (" + (video.frameCount() - 1) + ")"));
		}
		Optional<WorkLimits.Violation> violation = this.limits.checkCrop(video.crop(), video.width(), video.height())
			.map((crop) -> new WorkLimits.Violation("crop",
					"the video's " + crop.message() + "; change it with PATCH /api/videos/{id}"));
		return violation
			.map((broken) -> Mono.<Video>error(new InvalidRequestException(broken.field(), broken.message())))
			.orElse(Mono.just(video));
	}

	/**
	 * Makes room for a caption's range among the others of its video, one neighbour at a
	 * time in frame order, as {@link Overlap} decides.
	 */
	private Mono<SaveResult> resolveOverlaps(CaptionKey saved, FrameRange range, Video video, Instant now) {
		// every neighbour is read before any is changed: the right part of a split is
		// not a neighbour
		return this.captions.findOverlapping(saved, range)
			.collectList()
			.flatMapMany(Flux::fromIterable)
			.concatMap((neighbour) -> makeRoom(neighbour, Overlap.of(range, neighbour.range()), video, now))
			.reduce(SaveResult.NOTHING, SaveResult::and);
	}

	private Mono<SaveResult> makeRoom(Caption neighbour, Overlap overlap, Video video, Instant now) {
		CaptionKey key = neighbour.key();
		return switch (overlap) {
			case Overlap.Untouched untouched -> Mono.just(SaveResult.NOTHING);
			case Overlap.Covered covered ->
				this.captions.delete(key).then(this.ocr.cancel(key)).thenReturn(SaveResult.deleted(key.captionId()));
			case Overlap.Trimmed(FrameRange rest) ->
				this.ocr.queue(key, ExtentsChange.leftByNeighbour(rest), video, now).map(SaveResult::modified);
			// a delete does not lock the video: the left part may be gone meanwhile, and
			// the right part is made all the same
			case Overlap.Split(FrameRange left, FrameRange right) ->
				this.ocr.queue(key, ExtentsChange.leftByNeighbour(left), video, now)
					.map(SaveResult::modified)
					.defaultIfEmpty(SaveResult.NOTHING)
					.flatMap((modified) -> this.captions
						.insert(key.videoId(), right, neighbour.extentsState(), neighbour.text(), now)
						.flatMap((rightId) -> this.ocr.queue(new CaptionKey(key.videoId(), rightId),
								ExtentsChange.leftByNeighbour(right), video, now))
						.map(SaveResult::created)
						.defaultIfEmpty(SaveResult.NOTHING)
						.map(modified::and));
		};
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
	record SaveResult(@Nullable Caption caption, List<Long> deleted, List<Caption> modified, List<Caption> created) {

		static final SaveResult NOTHING = new SaveResult(null, List.of(), List.of(), List.of());

		static SaveResult deleted(long captionId) {
			return new SaveResult(null, List.of(captionId), List.of(), List.of());
		}

		static SaveResult modified(Caption caption) {
			return new SaveResult(null, List.of(), List.of(caption), List.of());
		}

		static SaveResult created(Caption caption) {
			return new SaveResult(null, List.of(), List.of(), List.of(caption));
		}

		/** Both outcomes, this one's first. */
		SaveResult and(SaveResult other) {
			return new SaveResult(null, concat(this.deleted, other.deleted), concat(this.modified, other.modified),
					concat(this.created, other.created));
		}

		SaveResult withCaption(Caption saved) {
			return new SaveResult(saved, this.deleted, this.modified, this.created);
		}

		private static <T> List<T> concat(List<T> first, List<T> second) {
			return Stream.concat(first.stream(), second.stream()).toList();
		}

	}

}
