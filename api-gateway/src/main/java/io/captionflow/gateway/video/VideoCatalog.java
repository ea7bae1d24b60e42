package io.captionflow.gateway.video;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads, registers and changes videos: the only class that reads or writes the
 * {@code videos} table. Other modules ask {@link Videos}.
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

	Mono<Boolean> exists(String id) {
		return this.db.sql("select count(*) from videos where id = :id")
			.bind("id", id)
			.map((row) -> row.get(0, Long.class))
			.one()
			.map((count) -> count > 0);
	}

	/**
	 * Reads a video and locks its row for the rest of the caller's transaction.
	 */
	Mono<Video> lock(String id) {
		return this.db.sql("select " + COLUMNS + " from videos where id = :id for update")
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
