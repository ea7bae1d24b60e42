package io.captionflow.gateway.caption;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.gateway.PlainText;
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

	private static final int MAX_TEXT = 4000;

	private static final int MAX_ERROR = 2000;

	private static final String COLUMNS = """
			id, video_id, start_frame_index, end_frame_index, extents_state, extents_pending, text, text_pending, notes,
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

	/**
	 * A page of the captions of a video, by start frame.
	 * @param videoId the video
	 * @param offset rows to skip
	 * @param limit the most rows
	 * @return the captions
	 */
	Flux<Caption> findByVideo(String videoId, long offset, int limit) {
		return this.db.sql("select " + COLUMNS
				+ " from captions where video_id = :videoId order by start_frame_index, id limit :limit offset :offset")
			.bind("videoId", videoId)
			.bind("limit", limit)
			.bind("offset", offset)
			.map(CaptionStore::caption)
			.all();
	}

	Mono<Long> countByVideo(String videoId) {
		return this.db.sql("select count(*) from captions where video_id = :videoId")
			.bind("videoId", videoId)
			.map((row) -> row.get(0, Long.class))
			.one();
	}

	/**
	 * Locks a video's row for the rest of the transaction, so that edits of its captions
	 * are serialised, and reads what saving extents needs to know of it.
	 * @param videoId the video
	 * @return the video's facts, or empty
	 */
	Mono<SaveTarget> lockVideo(String videoId) {
		return this.db.sql("""
				select frame_count, width, height, media_location, ocr_language, crop_x, crop_y, crop_width,
				  crop_height
				from videos where id = :videoId for update""")
			.bind("videoId", videoId)
			.map(CaptionStore::saveTarget)
			.one();
	}

	/**
	 * Locks a caption and its video's row for the rest of the transaction (one round trip
	 * where a save needs two otherwise), and reads what saving its extents needs to know
	 * of the video.
	 * @param videoId the video
	 * @param captionId the caption
	 * @return the video's facts, or empty when the video or the caption does not exist
	 */
	Mono<SaveTarget> lockCaption(String videoId, long captionId) {
		return this.db.sql("""
				select v.frame_count, v.width, v.height, v.media_location, v.ocr_language, v.crop_x, v.crop_y,
				  v.crop_width, v.crop_height
				from videos v join captions c on c.video_id = v.id
				where v.id = :videoId and c.id = :id for update""")
			.bind("videoId", videoId)
			.bind("id", captionId)
			.map(CaptionStore::saveTarget)
			.one();
	}

	/**
	 * The other captions of a video whose ranges overlap a range.
	 */
	Flux<Caption> findOverlapping(String videoId, long exceptId, int start, int end) {
		return this.db.sql("select " + COLUMNS + """
				 from captions
				where video_id = :videoId and id <> :id and start_frame_index <= :end and end_frame_index >= :start
				order by start_frame_index, id""")
			.bind("videoId", videoId)
			.bind("id", exceptId)
			.bind("start", start)
			.bind("end", end)
			.map(CaptionStore::caption)
			.all();
	}

	Mono<Long> insert(String videoId, int start, int end, String state, String text, Instant at) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				insert into captions (video_id, start_frame_index, end_frame_index, extents_state, extents_pending,
				  text, text_pending, caption_ocr_status, created_at, updated_at)
				values (:videoId, :start, :end, :state, false, :text, :textPending, 'idle', :at, :at)""")
			.bind("videoId", videoId)
			.bind("start", start)
			.bind("end", end)
			.bind("state", state)
			.bind("textPending", text != null)
			.bind("at", utc(at));
		insert = bindNullable(insert, "text", text, String.class);
		return insert.filter((statement) -> statement.returnGeneratedValues("id"))
			.map((row) -> row.get("id", Long.class))
			.one();
	}

	/**
	 * Moves a caption to a new range and queues its OCR: the status becomes
	 * {@code queued}, the result and image are cleared, the revision goes up.
	 * @return the caption as it is now, or empty when it does not exist
	 * @param state the new extents state, or null to keep it
	 * @param pending whether the extents now await review (a neighbour changed by an edit
	 * of another caption)
	 */
	Mono<Caption> queueExtents(String videoId, long captionId, int start, int end, String state, boolean pending,
			Instant at) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set start_frame_index = :start, end_frame_index = :end,
				  extents_state = coalesce(:state, extents_state), extents_pending = :pending,
				  caption_ocr_status = 'queued', image_needs_regen = true, caption_ocr = null,
				  caption_ocr_confidence = null, caption_ocr_error = null, caption_ocr_progress = null,
				  text_pending = true, ocr_attempts = 1, revision = revision + 1, updated_at = :at
				where video_id = :videoId and id = :id""")
			.bind("start", start)
			.bind("end", end)
			.bind("pending", pending)
			.bind("at", utc(at))
			.bind("videoId", videoId)
			.bind("id", captionId);
		return bindNullable(update, "state", state, String.class).fetch().rowsUpdated().then(find(videoId, captionId));
	}

	Mono<Long> updateText(String videoId, long captionId, String text, boolean pending, String notes, Instant at) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set text = :text, text_pending = :pending, notes = :notes, updated_at = :at
				where video_id = :videoId and id = :id""")
			.bind("pending", pending)
			.bind("at", utc(at))
			.bind("videoId", videoId)
			.bind("id", captionId);
		update = bindNullable(update, "text", text, String.class);
		return bindNullable(update, "notes", notes, String.class).fetch().rowsUpdated();
	}

	Mono<Long> delete(String videoId, long captionId) {
		return this.db.sql("delete from captions where video_id = :videoId and id = :id")
			.bind("videoId", videoId)
			.bind("id", captionId)
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Where a caption's median image is, if one was made.
	 */
	Mono<String> findImage(String videoId, long captionId) {
		return this.db
			.sql("select caption_ocr_image from captions where video_id = :videoId and id = :id"
					+ " and caption_ocr_image is not null")
			.bind("videoId", videoId)
			.bind("id", captionId)
			.map((row) -> row.get("caption_ocr_image", String.class))
			.one();
	}

	/**
	 * Captions queued or processing with no news since a time, oldest first. A caption
	 * whose request still waits in the outbox (the broker is down) is not lost, only
	 * late, and is left alone.
	 */
	Flux<StuckCaption> findStuck(Instant before, int limit) {
		return this.db.sql("""
				select c.id, c.video_id, c.start_frame_index, c.end_frame_index, c.revision, c.ocr_attempts,
				       c.caption_ocr_status, v.media_location, v.ocr_language, v.frame_count, v.width, v.height,
				       v.crop_x, v.crop_y, v.crop_width, v.crop_height
				from captions c join videos v on v.id = c.video_id
				where c.caption_ocr_status in ('queued', 'processing') and c.updated_at < :before
				  and not exists (select 1 from outbox o where o.caption_id = c.id)
				order by c.updated_at limit :limit""")
			.bind("before", utc(before))
			.bind("limit", limit)
			.map((row) -> new StuckCaption(row.get("id", Long.class), row.get("video_id", String.class),
					row.get("start_frame_index", Integer.class), row.get("end_frame_index", Integer.class),
					row.get("revision", Long.class), row.get("ocr_attempts", Integer.class),
					row.get("caption_ocr_status", String.class), saveTarget(row)))
			.all();
	}

	/**
	 * Queues a stuck caption's OCR again under a new revision, unless it changed since it
	 * was found.
	 * @return whether it was queued again
	 */
	Mono<Boolean> requeueStuck(StuckCaption stuck, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = 'queued', caption_ocr_progress = null,
				  ocr_attempts = ocr_attempts + 1, revision = revision + 1, updated_at = :at
				where id = :id and revision = :revision and caption_ocr_status in ('queued', 'processing')""")
			.bind("at", utc(at))
			.bind("id", stuck.id())
			.bind("revision", stuck.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	/**
	 * Ends a stuck caption in error, unless it changed since it was found.
	 * @return whether it was ended
	 */
	Mono<Boolean> giveUpStuck(StuckCaption stuck, String reason, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = 'error', caption_ocr_error = :reason,
				  caption_ocr_progress = null, caption_ocr_processed_at = :at, updated_at = :at
				where id = :id and revision = :revision and caption_ocr_status in ('queued', 'processing')""")
			.bind("reason", reason)
			.bind("at", utc(at))
			.bind("id", stuck.id())
			.bind("revision", stuck.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
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
	 * result for an older revision never overwrites a newer save. Its median image is
	 * kept only where the worker writes it, beside the caption's video: a location from
	 * an event is never served otherwise.
	 * @param event the worker's completion
	 * @param at when applied
	 * @return whether the caption changed
	 */
	public Mono<Boolean> applyCompleted(FlowCompleted event, Instant at) {
		boolean complete = event.status() == FlowCompleted.Status.COMPLETE;
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set caption_ocr_status = :status, caption_ocr = :text,
				  caption_ocr_confidence = :confidence, caption_ocr_error = :error, caption_ocr_processed_at = :at,
				  caption_ocr_image = case when :image = (select v.media_location from videos v
				    where v.id = captions.video_id) || '.captionflow/caption-' || cast(captions.id as varchar(20))
				    || '.png' then :image else null end,
				  caption_ocr_progress = null, image_needs_regen = false, updated_at = :at
				where video_id = :videoId and id = :id and revision = :revision""")
			.bind("status", complete ? "completed" : "error")
			.bind("at", utc(at))
			.bind("videoId", event.videoId())
			.bind("id", event.captionId())
			.bind("revision", event.revision());
		// a worker's text and reason fit their columns whatever it sent
		update = bindNullable(update, "text", complete ? PlainText.bounded(event.text(), MAX_TEXT) : null,
				String.class);
		update = bindNullable(update, "confidence", complete ? confidence(event.confidence()) : null, Double.class);
		update = bindNullable(update, "error", complete ? null : PlainText.bounded(event.error(), MAX_ERROR),
				String.class);
		update = bindNullable(update, "image", event.medianImage(), String.class);
		return update.fetch().rowsUpdated().map((count) -> count > 0);
	}

	private static Double confidence(Double confidence) {
		return (confidence == null || confidence.isNaN()) ? null : Math.clamp(confidence, 0.0, 100.0);
	}

	private static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec,
			String name, T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	private static SaveTarget saveTarget(Readable row) {
		return new SaveTarget(row.get("frame_count", Integer.class), row.get("width", Integer.class),
				row.get("height", Integer.class), row.get("media_location", String.class),
				row.get("ocr_language", String.class),
				new CropBox(row.get("crop_x", Integer.class), row.get("crop_y", Integer.class),
						row.get("crop_width", Integer.class), row.get("crop_height", Integer.class)));
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
				row.get("notes", String.class), row.get("caption_ocr", String.class),
				row.get("caption_ocr_confidence", Double.class), row.get("caption_ocr_status", String.class),
				row.get("caption_ocr_error", String.class), row.get("caption_ocr_progress", Integer.class),
				instant(row, "caption_ocr_processed_at"),
				Boolean.TRUE.equals(row.get("image_needs_regen", Boolean.class)), row.get("revision", Long.class),
				instant(row, "created_at"), instant(row, "updated_at"));
	}

	/**
	 * What saving a caption's extents needs to know of its video.
	 *
	 * @param frameCount frames in the video
	 * @param width frame width
	 * @param height frame height
	 * @param media media location
	 * @param language OCR language
	 * @param crop caption box
	 */
	record SaveTarget(int frameCount, int width, int height, String media, String language, CropBox crop) {
	}

	/**
	 * A caption whose OCR has shown no sign of life for too long.
	 *
	 * @param id the caption
	 * @param videoId its video
	 * @param start first frame
	 * @param end last frame
	 * @param revision its revision when found
	 * @param attempts OCR requests made since the last save
	 * @param status {@code queued} or {@code processing}
	 * @param target what a request needs to know of the video
	 */
	record StuckCaption(long id, String videoId, int start, int end, long revision, int attempts, String status,
			SaveTarget target) {
	}

}
