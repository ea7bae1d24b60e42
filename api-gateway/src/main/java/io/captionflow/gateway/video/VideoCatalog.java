package io.captionflow.gateway.video;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads and registers videos, and computes their stats.
 */
@Component
class VideoCatalog {

	private static final String COLUMNS = """
			id, title, media_location, fps, frame_count, width, height, crop_x, crop_y, crop_width, crop_height,
			ocr_language""";

	private final DatabaseClient db;

	VideoCatalog(DatabaseClient db) {
		this.db = db;
	}

	Flux<Video> findAll() {
		return this.db.sql("select " + COLUMNS + " from videos order by title, id").map(VideoCatalog::video).all();
	}

	Mono<Video> find(String id) {
		return this.db.sql("select " + COLUMNS + " from videos where id = :id")
			.bind("id", id)
			.map(VideoCatalog::video)
			.one();
	}

	Mono<Long> register(VideoManifest manifest, Instant at) {
		CropBox crop = manifest.crop();
		return this.db.sql("""
				insert into videos (id, title, media_location, fps, frame_count, width, height,
				  crop_x, crop_y, crop_width, crop_height, ocr_language, created_at, updated_at)
				values (:id, :title, :media, :fps, :frameCount, :width, :height,
				  :cropX, :cropY, :cropWidth, :cropHeight, :language, :at, :at)""")
			.bind("id", manifest.id())
			.bind("title", manifest.title())
			.bind("media", manifest.media())
			.bind("fps", manifest.fps())
			.bind("frameCount", manifest.frameCount())
			.bind("width", manifest.width())
			.bind("height", manifest.height())
			.bind("cropX", crop.x())
			.bind("cropY", crop.y())
			.bind("cropWidth", crop.width())
			.bind("cropHeight", crop.height())
			.bind("language", manifest.language())
			.bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC))
			.fetch()
			.rowsUpdated();
	}

	Mono<Long> update(String id, CropBox crop, String language, Instant at) {
		DatabaseClient.GenericExecuteSpec update = this.db.sql("""
				update videos set crop_x = coalesce(:cropX, crop_x), crop_y = coalesce(:cropY, crop_y),
				  crop_width = coalesce(:cropWidth, crop_width), crop_height = coalesce(:cropHeight, crop_height),
				  ocr_language = coalesce(:language, ocr_language), updated_at = :at
				where id = :id""").bind("id", id).bind("at", OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
		update = (crop != null)
				? update.bind("cropX", crop.x())
					.bind("cropY", crop.y())
					.bind("cropWidth", crop.width())
					.bind("cropHeight", crop.height())
				: update.bindNull("cropX", Integer.class)
					.bindNull("cropY", Integer.class)
					.bindNull("cropWidth", Integer.class)
					.bindNull("cropHeight", Integer.class);
		update = (language != null) ? update.bind("language", language) : update.bindNull("language", String.class);
		return update.fetch().rowsUpdated();
	}

	Mono<VideoStats> stats(Video video) {
		return this.db.sql("""
				select count(*) as total,
				  coalesce(sum(case when extents_state = 'confirmed' then 1 else 0 end), 0) as confirmed,
				  coalesce(sum(case when extents_state = 'predicted' then 1 else 0 end), 0) as predicted,
				  coalesce(sum(case when extents_state = 'gap' then 1 else 0 end), 0) as gap,
				  coalesce(sum(case when extents_state = 'issue' then 1 else 0 end), 0) as issue,
				  coalesce(sum(case when extents_pending or text_pending then 1 else 0 end), 0) as pending_review,
				  coalesce(sum(end_frame_index - start_frame_index + 1), 0) as covered_frames,
				  coalesce(sum(case when caption_ocr_status = 'idle' then 1 else 0 end), 0) as ocr_idle,
				  coalesce(sum(case when caption_ocr_status = 'queued' then 1 else 0 end), 0) as ocr_queued,
				  coalesce(sum(case when caption_ocr_status = 'processing' then 1 else 0 end), 0) as ocr_processing,
				  coalesce(sum(case when caption_ocr_status = 'completed' then 1 else 0 end), 0) as ocr_completed,
				  coalesce(sum(case when caption_ocr_status = 'error' then 1 else 0 end), 0) as ocr_error
				from captions where video_id = :id""").bind("id", video.id()).map((row) -> {
			long total = number(row, "total");
			long predicted = number(row, "predicted");
			Map<String, Long> ocr = new LinkedHashMap<>();
			for (String status : new String[] { "idle", "queued", "processing", "completed", "error" }) {
				ocr.put(status, number(row, "ocr_" + status));
			}
			double progress = (total > 0) ? Math.round(1000.0 * (total - predicted) / total) / 10.0 : 0;
			return new VideoStats(video.id(), total, number(row, "confirmed"), predicted, number(row, "gap"),
					number(row, "issue"), number(row, "pending_review"),
					Math.min(number(row, "covered_frames"), video.frameCount()), video.frameCount(), progress, ocr,
					ocr.get("queued") + ocr.get("processing") > 0);
		}).one();
	}

	private static long number(Readable row, String column) {
		Number value = row.get(column, Number.class);
		return (value != null) ? value.longValue() : 0;
	}

	private static Video video(Readable row) {
		return new Video(row.get("id", String.class), row.get("title", String.class),
				row.get("media_location", String.class), row.get("fps", Double.class),
				row.get("frame_count", Integer.class), row.get("width", Integer.class),
				row.get("height", Integer.class),
				new CropBox(row.get("crop_x", Integer.class), row.get("crop_y", Integer.class),
						row.get("crop_width", Integer.class), row.get("crop_height", Integer.class)),
				row.get("ocr_language", String.class));
	}

}
