package io.captionflow.gateway.caption;

import java.time.Instant;

import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.gateway.web.PlainText;
import io.captionflow.gateway.video.Videos;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * What the workers report of a caption's OCR, applied to the caption if the report is for
 * its current revision: a report for an older revision never overwrites a newer save.
 * Each change joins the caller's transaction; recording that an event was applied (so
 * that a redelivery is not) is the caller's.
 */
@Component
public class CaptionOcrResults {

	private static final int MAX_TEXT = 4000;

	private static final int MAX_ERROR = 2000;

	private final DatabaseClient db;

	private final Videos videos;

	CaptionOcrResults(DatabaseClient db, Videos videos) {
		this.db = db;
		this.videos = videos;
	}

	/**
	 * Marks a caption processing, if the event is for its current revision and it is
	 * queued.
	 * @param event the worker's start
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> started(FlowStarted event, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = :processing, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision and caption_ocr_status = :queued""")
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("at", CaptionStore.utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Records how far the worker is, if the event is for the caption's current revision
	 * and its OCR is still in progress.
	 * @param event the worker's progress
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> progressed(FlowProgressed event, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_progress = :progress, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision
				  and caption_ocr_status in (:queued, :processing)
				  and (caption_ocr_progress is null or caption_ocr_progress < :progress)""")
			.bind("progress", event.percent())
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("at", CaptionStore.utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Records an OCR outcome, {@code completed} with its text or {@code error} with its
	 * reason (a worker's failure, or a request dead-lettered), if the event is for the
	 * caption's current revision and its OCR still in flight: a revision has one outcome,
	 * so a result that comes after the revision ended (in {@code error}, when one of its
	 * flow events was dead-lettered) does not change it. Its median image is kept only
	 * where the worker writes it, beside the caption's video: a location from an event is
	 * never served otherwise.
	 * @param event the worker's completion
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> completed(FlowCompleted event, Instant at) {
		String image = event.medianImage();
		if (image == null) {
			return complete(event, null, at);
		}
		// no video, no caption of it to change
		return this.videos.find(event.videoId())
			.flatMap((video) -> complete(event,
					image.equals(medianImage(video.media(), event.captionId())) ? image : null, at))
			.defaultIfEmpty(false);
	}

	private Mono<Boolean> complete(FlowCompleted event, @Nullable String image, Instant at) {
		boolean complete = event.status() == FlowCompleted.Status.COMPLETE;
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set caption_ocr_status = :status, caption_ocr = :text,
				  caption_ocr_confidence = :confidence, caption_ocr_error = :error, caption_ocr_processed_at = :at,
				  caption_ocr_image = :image, caption_ocr_progress = null, image_needs_regen = false, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision
				  and caption_ocr_status in (:queued, :processing)""")
			.bind("status", (complete ? OcrStatus.COMPLETED : OcrStatus.ERROR).wireName())
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("at", CaptionStore.utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision());
		// a worker's text and reason fit their columns whatever it sent
		update = CaptionStore.bindNullable(update, "text",
				complete ? PlainText.boundedOrNull(event.text(), MAX_TEXT) : null, String.class);
		update = CaptionStore.bindNullable(update, "confidence", complete ? confidence(event.confidence()) : null,
				Double.class);
		update = CaptionStore.bindNullable(update, "error",
				complete ? null : PlainText.boundedOrNull(event.error(), MAX_ERROR), String.class);
		update = CaptionStore.bindNullable(update, "image", image, String.class);
		return update.fetch().rowsUpdated().map((count) -> count > 0);
	}

	/**
	 * Ends a caption's OCR in {@code error} with a reason, if the caption is at the given
	 * revision and its OCR still in flight ({@code queued} or {@code processing}): a
	 * result applied meanwhile, or a newer save, is left as it is.
	 * @param videoId the video
	 * @param captionId the caption
	 * @param revision the revision the failed work was for
	 * @param reason why the OCR ended
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> failedInFlight(String videoId, long captionId, long revision, String reason, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = :error, caption_ocr = null, caption_ocr_confidence = null,
				  caption_ocr_error = :reason, caption_ocr_processed_at = :at, caption_ocr_image = null,
				  caption_ocr_progress = null, image_needs_regen = false, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision
				  and caption_ocr_status in (:queued, :processing)""")
			.bind("error", OcrStatus.ERROR.wireName())
			.bind("reason", PlainText.bounded(reason, MAX_ERROR))
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("at", CaptionStore.utc(at))
			.bind("videoId", videoId)
			.bind("id", captionId)
			.bind("revision", revision)
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/** Where the worker writes a caption's median image: beside its video's media. */
	private static String medianImage(String media, long captionId) {
		return media + ".captionflow/caption-" + captionId + ".png";
	}

	private static @Nullable Double confidence(@Nullable Double confidence) {
		return (confidence == null || confidence.isNaN()) ? null : Math.clamp(confidence, 0.0, 100.0);
	}

}
