package io.captionflow.gateway.caption;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads and writes caption rows. Writes join the caller's transaction.
 */
@Component
public class CaptionStore {

	private static final String COLUMNS = """
			id, video_id, start_frame_index, end_frame_index, extents_state, extents_pending, text, text_pending,
			caption_ocr, caption_ocr_confidence, caption_ocr_status, caption_ocr_error, caption_ocr_progress,
			caption_ocr_processed_at, image_needs_regen, revision, created_at, updated_at""";

	private final DatabaseClient db;

	CaptionStore(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * The captions of a video, by start frame.
	 * @param videoId the video
	 * @return its captions
	 */
	public Flux<Caption> findByVideo(String videoId) {
		return this.db
			.sql("select " + COLUMNS + " from captions where video_id = :videoId order by start_frame_index, id")
			.bind("videoId", videoId)
			.map(CaptionStore::caption)
			.all();
	}

	/**
	 * One caption of a video.
	 * @param videoId the video
	 * @param captionId the caption
	 * @return the caption, or empty
	 */
	public Mono<Caption> find(String videoId, long captionId) {
		return this.db.sql("select " + COLUMNS + " from captions where video_id = :videoId and id = :id")
			.bind("videoId", videoId)
			.bind("id", captionId)
			.map(CaptionStore::caption)
			.one();
	}

	/**
	 * Inserts predicted captions of a newly registered video.
	 * @param videoId the video
	 * @param ranges frame ranges, each {start, end}
	 * @param at creation time
	 * @return the number inserted
	 */
	public Mono<Long> insertPredicted(String videoId, List<int[]> ranges, Instant at) {
		return Flux.fromIterable(ranges)
			.concatMap((range) -> this.db.sql("""
					insert into captions (video_id, start_frame_index, end_frame_index, extents_state, extents_pending,
					  caption_ocr_status, created_at, updated_at)
					values (:videoId, :start, :end, 'predicted', true, 'idle', :at, :at)""")
				.bind("videoId", videoId)
				.bind("start", range[0])
				.bind("end", range[1])
				.bind("at", utc(at))
				.fetch()
				.rowsUpdated())
			.reduce(0L, Long::sum);
	}

	Mono<SaveTarget> findSaveTarget(String videoId, long captionId) {
		return this.db.sql("""
				select c.revision, v.frame_count, v.media_location, v.ocr_language,
				       v.crop_x, v.crop_y, v.crop_width, v.crop_height
				from captions c join videos v on v.id = c.video_id
				where c.video_id = :videoId and c.id = :id""")
			.bind("videoId", videoId)
			.bind("id", captionId)
			.map((row) -> new SaveTarget(row.get("frame_count", Integer.class), row.get("media_location", String.class),
					row.get("ocr_language", String.class),
					new CropBox(row.get("crop_x", Integer.class), row.get("crop_y", Integer.class),
							row.get("crop_width", Integer.class), row.get("crop_height", Integer.class))))
			.one();
	}

	Mono<Long> queueExtents(String videoId, long captionId, int start, int end, String state, Instant at) {
		return this.db.sql("""
				update captions set start_frame_index = :start, end_frame_index = :end, extents_state = :state,
				  extents_pending = false, caption_ocr_status = 'queued', image_needs_regen = true, caption_ocr = null,
				  caption_ocr_confidence = null, caption_ocr_error = null, caption_ocr_progress = null,
				  text_pending = true,
				  revision = revision + 1, updated_at = :at
				where video_id = :videoId and id = :id""")
			.bind("start", start)
			.bind("end", end)
			.bind("state", state)
			.bind("at", utc(at))
			.bind("videoId", videoId)
			.bind("id", captionId)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Marks a caption processing, if the event is for its current revision and it is
	 * queued.
	 * @param event the worker's start
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> applyStarted(FlowStarted event, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = 'processing', updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision and caption_ocr_status = 'queued'""")
			.bind("at", utc(at))
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
	public Mono<Boolean> applyProgress(FlowProgressed event, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_progress = :progress, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision
				  and caption_ocr_status in ('queued', 'processing')
				  and (caption_ocr_progress is null or caption_ocr_progress < :progress)""")
			.bind("progress", event.percent())
			.bind("at", utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Records an OCR outcome, if the event is for the caption's current revision: a
	 * result for an older revision never overwrites a newer save.
	 * @param event the worker's completion
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> applyCompleted(FlowCompleted event, Instant at) {
		boolean complete = event.status() == FlowCompleted.Status.COMPLETE;
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set caption_ocr_status = :status, caption_ocr = :text,
				  caption_ocr_confidence = :confidence, caption_ocr_error = :error, caption_ocr_processed_at = :at,
				  caption_ocr_image = :image, caption_ocr_progress = null, image_needs_regen = false,
				  updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision""")
			.bind("status", complete ? "completed" : "error")
			.bind("at", utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision());
		update = bindNullable(update, "text", complete ? event.text() : null, String.class);
		update = bindNullable(update, "confidence", complete ? event.confidence() : null, Double.class);
		update = bindNullable(update, "error", complete ? null : event.error(), String.class);
		update = bindNullable(update, "image", event.medianImage(), String.class);
		return update.fetch().rowsUpdated().map((count) -> count > 0);
	}

	private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec,
			String name, T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	private static OffsetDateTime utc(Instant at) {
		return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
	}

	private static Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	private static Caption caption(Readable row) {
		return new Caption(row.get("id", Long.class), row.get("video_id", String.class),
				row.get("start_frame_index", Integer.class), row.get("end_frame_index", Integer.class),
				row.get("extents_state", String.class), Boolean.TRUE.equals(row.get("extents_pending", Boolean.class)),
				row.get("text", String.class), Boolean.TRUE.equals(row.get("text_pending", Boolean.class)),
				row.get("caption_ocr", String.class), row.get("caption_ocr_confidence", Double.class),
				row.get("caption_ocr_status", String.class), row.get("caption_ocr_error", String.class),
				row.get("caption_ocr_progress", Integer.class), instant(row, "caption_ocr_processed_at"),
				Boolean.TRUE.equals(row.get("image_needs_regen", Boolean.class)), row.get("revision", Long.class),
				instant(row, "created_at"), instant(row, "updated_at"));
	}

	/**
	 * What saving a caption's extents needs to know of its video.
	 *
	 * @param frameCount frames in the video
	 * @param media media location
	 * @param language OCR language
	 * @param crop caption box
	 */
	record SaveTarget(int frameCount, String media, String language, CropBox crop) {
	}

}
