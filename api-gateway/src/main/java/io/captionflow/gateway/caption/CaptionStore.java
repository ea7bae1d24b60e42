package io.captionflow.gateway.caption;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads and writes caption rows for the edits, the pages and the sweep; the workers'
 * results are written by {@link CaptionOcrResults}. Writes join the caller's transaction.
 */
@Component
class CaptionStore {

	private static final String COLUMNS = """
			id, video_id, start_frame_index, end_frame_index, extents_state, extents_pending, text, text_pending, notes,
			caption_ocr, caption_ocr_confidence, caption_ocr_status, caption_ocr_error, caption_ocr_progress,
			caption_ocr_processed_at, image_needs_regen, revision, created_at, updated_at""";

	private final DatabaseClient db;

	CaptionStore(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * One caption of a video.
	 * @param key the caption
	 * @return the caption, or empty
	 */
	Mono<Caption> find(CaptionKey key) {
		return this.db.sql("select " + COLUMNS + " from captions where video_id = :videoId and id = :id")
			.bind("videoId", key.videoId())
			.bind("id", key.captionId())
			.map(CaptionStore::caption)
			.one();
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
	 * Locks a caption's row for the rest of the transaction; its video's row is locked
	 * first, so that edits of a video's captions are serialised.
	 * @param key the caption
	 * @return whether the caption exists
	 */
	Mono<Boolean> lock(CaptionKey key) {
		return this.db.sql("select id from captions where video_id = :videoId and id = :id for update")
			.bind("videoId", key.videoId())
			.bind("id", key.captionId())
			.map((row) -> row.get("id", Long.class))
			.all()
			.hasElements();
	}

	/**
	 * The other captions of a video whose ranges share a frame with a range, by start
	 * frame: the neighbours {@link Overlap} decides about.
	 */
	Flux<Caption> findOverlapping(CaptionKey except, FrameRange range) {
		return this.db.sql("select " + COLUMNS + """
				 from captions
				where video_id = :videoId and id <> :id and start_frame_index <= :end and end_frame_index >= :start
				order by start_frame_index, id""")
			.bind("videoId", except.videoId())
			.bind("id", except.captionId())
			.bind("start", range.start())
			.bind("end", range.end())
			.map(CaptionStore::caption)
			.all();
	}

	/**
	 * Inserts a caption with no OCR yet, its extents not pending review and its text, if
	 * any, pending.
	 * @return the new caption's id
	 */
	Mono<Long> insert(String videoId, FrameRange range, ExtentsState state, @Nullable String text, Instant at) {
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				insert into captions (video_id, start_frame_index, end_frame_index, extents_state, extents_pending,
				  text, text_pending, caption_ocr_status, created_at, updated_at)
				values (:videoId, :start, :end, :state, false, :text, :textPending, :idle, :at, :at)""")
			.bind("videoId", videoId)
			.bind("start", range.start())
			.bind("end", range.end())
			.bind("state", state.wireName())
			.bind("textPending", text != null)
			.bind("idle", OcrStatus.IDLE.wireName())
			.bind("at", utc(at));
		insert = bindNullable(insert, "text", text, String.class);
		return insert.filter((statement) -> statement.returnGeneratedValues("id"))
			.map((row) -> row.get("id", Long.class))
			.one();
	}

	/**
	 * Inserts predicted captions of a newly registered video, pending review, with no OCR
	 * yet.
	 * @return the number inserted
	 */
	Mono<Long> insertPredicted(String videoId, List<FrameRange> ranges, Instant at) {
		return Flux.fromIterable(ranges)
			.concatMap((range) -> this.db.sql("""
					insert into captions (video_id, start_frame_index, end_frame_index, extents_state, extents_pending,
					  caption_ocr_status, created_at, updated_at)
					values (:videoId, :start, :end, :predicted, true, :idle, :at, :at)""")
				.bind("videoId", videoId)
				.bind("start", range.start())
				.bind("end", range.end())
				.bind("predicted", ExtentsState.PREDICTED.wireName())
				.bind("idle", OcrStatus.IDLE.wireName())
				.bind("at", utc(at))
				.fetch()
				.rowsUpdated())
			.reduce(0L, Long::sum);
	}

	/**
	 * Gives a caption new extents and marks its OCR {@code queued}: the result and image
	 * are cleared, the text awaits review against the new frames, the revision goes up.
	 * @return the caption as it is now, or empty when it does not exist
	 */
	Mono<Caption> queueExtents(CaptionKey key, ExtentsChange change, Instant at) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set start_frame_index = :start, end_frame_index = :end,
				  extents_state = coalesce(:state, extents_state), extents_pending = :pending,
				  caption_ocr_status = :queued, image_needs_regen = true, caption_ocr = null,
				  caption_ocr_confidence = null, caption_ocr_error = null, caption_ocr_progress = null,
				  text_pending = true, ocr_attempts = 1, revision = revision + 1, updated_at = :at
				where video_id = :videoId and id = :id""")
			.bind("start", change.range().start())
			.bind("end", change.range().end())
			.bind("pending", change.pending())
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("at", utc(at))
			.bind("videoId", key.videoId())
			.bind("id", key.captionId());
		ExtentsState kept = change.state();
		String state = (kept != null) ? kept.wireName() : null;
		return bindNullable(update, "state", state, String.class).fetch().rowsUpdated().then(find(key));
	}

	Mono<Long> updateText(CaptionKey key, String text, boolean pending, String notes, Instant at) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update captions set text = :text, text_pending = :pending, notes = :notes, updated_at = :at
				where video_id = :videoId and id = :id""")
			.bind("pending", pending)
			.bind("at", utc(at))
			.bind("videoId", key.videoId())
			.bind("id", key.captionId());
		update = bindNullable(update, "text", text, String.class);
		return bindNullable(update, "notes", notes, String.class).fetch().rowsUpdated();
	}

	Mono<Long> delete(CaptionKey key) {
		return this.db.sql("delete from captions where video_id = :videoId and id = :id")
			.bind("videoId", key.videoId())
			.bind("id", key.captionId())
			.fetch()
			.rowsUpdated();
	}

	/**
	 * Where a caption's median image is, if one was made.
	 */
	Mono<String> findImage(CaptionKey key) {
		return this.db
			.sql("select caption_ocr_image from captions where video_id = :videoId and id = :id"
					+ " and caption_ocr_image is not null")
			.bind("videoId", key.videoId())
			.bind("id", key.captionId())
			.map((row) -> row.get("caption_ocr_image", String.class))
			.one();
	}

	/**
	 * Captions queued or processing with no news since a time, oldest news first: one
	 * page of them, after a caption found on the page before.
	 * @param before news older than this
	 * @param after the last caption of the page before, or {@code null} for the first
	 * page
	 * @param limit the most captions on the page
	 * @return the page
	 */
	Flux<StuckCaption> findStuck(Instant before, @Nullable StuckCaption after, int limit) {
		String page = (after != null)
				? " and (c.updated_at > :afterAt or (c.updated_at = :afterAt and c.id > :afterId))" : "";
		DatabaseClient.GenericExecuteSpec select = this.db.sql("""
				select c.id, c.video_id, c.start_frame_index, c.end_frame_index, c.revision, c.ocr_attempts,
				       c.caption_ocr_status, c.updated_at
				from captions c
				where c.caption_ocr_status in (:queued, :processing) and c.updated_at < :before%s
				order by c.updated_at, c.id limit :limit""".formatted(page))
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("before", utc(before))
			.bind("limit", limit);
		if (after != null) {
			select = select.bind("afterAt", utc(after.updatedAt())).bind("afterId", after.key().captionId());
		}
		return select
			.map((row) -> new StuckCaption(new CaptionKey(row.get("video_id", String.class), row.get("id", Long.class)),
					new FrameRange(row.get("start_frame_index", Integer.class),
							row.get("end_frame_index", Integer.class)),
					row.get("revision", Long.class), row.get("ocr_attempts", Integer.class),
					OcrStatus.fromWireName(row.get("caption_ocr_status", String.class)),
					row.get("updated_at", OffsetDateTime.class).toInstant()))
			.all();
	}

	/**
	 * Queues a stuck caption's OCR again under a new revision, unless it changed since it
	 * was found.
	 * @return whether it was queued again
	 */
	Mono<Boolean> requeueStuck(StuckCaption stuck, Instant at) {
		return this.db.sql("""
				update captions set caption_ocr_status = :queued, caption_ocr_progress = null,
				  ocr_attempts = ocr_attempts + 1, revision = revision + 1, updated_at = :at
				where id = :id and revision = :revision and caption_ocr_status in (:queued, :processing)""")
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("at", utc(at))
			.bind("id", stuck.key().captionId())
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
				update captions set caption_ocr_status = :error, caption_ocr_error = :reason,
				  caption_ocr_progress = null, caption_ocr_processed_at = :at, updated_at = :at
				where id = :id and revision = :revision and caption_ocr_status in (:queued, :processing)""")
			.bind("error", OcrStatus.ERROR.wireName())
			.bind("queued", OcrStatus.QUEUED.wireName())
			.bind("processing", OcrStatus.PROCESSING.wireName())
			.bind("reason", reason)
			.bind("at", utc(at))
			.bind("id", stuck.key().captionId())
			.bind("revision", stuck.revision())
			.fetch()
			.rowsUpdated()
			.map((count) -> count > 0);
	}

	static <T> DatabaseClient.GenericExecuteSpec bindNullable(DatabaseClient.GenericExecuteSpec spec, String name,
			@Nullable T value, Class<T> type) {
		return (value != null) ? spec.bind(name, value) : spec.bindNull(name, type);
	}

	static OffsetDateTime utc(Instant at) {
		return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
	}

	private static @Nullable Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

	/** A column the schema declares not null. */
	private static <T> T required(@Nullable T value, String column) {
		return Objects.requireNonNull(value, () -> column + " is null");
	}

	private static Caption caption(Readable row) {
		return new Caption(row.get("id", Long.class), row.get("video_id", String.class),
				row.get("start_frame_index", Integer.class), row.get("end_frame_index", Integer.class),
				ExtentsState.fromWireName(row.get("extents_state", String.class)),
				Boolean.TRUE.equals(row.get("extents_pending", Boolean.class)), row.get("text", String.class),
				Boolean.TRUE.equals(row.get("text_pending", Boolean.class)), row.get("notes", String.class),
				row.get("caption_ocr", String.class), row.get("caption_ocr_confidence", Double.class),
				OcrStatus.fromWireName(row.get("caption_ocr_status", String.class)),
				row.get("caption_ocr_error", String.class), row.get("caption_ocr_progress", Integer.class),
				instant(row, "caption_ocr_processed_at"),
				Boolean.TRUE.equals(row.get("image_needs_regen", Boolean.class)), row.get("revision", Long.class),
				required(instant(row, "created_at"), "created_at"), required(instant(row, "updated_at"), "updated_at"));
	}

	/**
	 * A caption whose OCR has shown no sign of life for too long.
	 *
	 * @param key the caption
	 * @param range its frames
	 * @param revision its revision when found
	 * @param attempts OCR requests made since the last save
	 * @param status {@code queued} or {@code processing}
	 * @param updatedAt when it last had news
	 */
	record StuckCaption(CaptionKey key, FrameRange range, long revision, int attempts, OcrStatus status,
			Instant updatedAt) {
	}

}
