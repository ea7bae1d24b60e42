package io.captionflow.gateway.caption;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.captionflow.gateway.video.Video;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Counts a video's captions by extents state and OCR status, for its stats.
 */
@Component
class CaptionStats {

	private final DatabaseClient db;

	CaptionStats(DatabaseClient db) {
		this.db = db;
	}

	Mono<VideoStats> of(Video video) {
		return this.db.sql("""
				select extents_state, caption_ocr_status, count(*) as captions,
				  coalesce(sum(case when extents_pending or text_pending then 1 else 0 end), 0) as pending_review,
				  coalesce(sum(end_frame_index - start_frame_index + 1), 0) as covered_frames
				from captions where video_id = :videoId
				group by extents_state, caption_ocr_status""")
			.bind("videoId", video.id())
			.map((row) -> new Tally(row.get("extents_state", String.class), row.get("caption_ocr_status", String.class),
					number(row, "captions"), number(row, "pending_review"), number(row, "covered_frames")))
			.all()
			.collectList()
			.map((tallies) -> stats(video, tallies));
	}

	/**
	 * The stats of a video from its captions' tallies: a state or status the vocabulary
	 * does not know counts in the total only.
	 */
	static VideoStats stats(Video video, List<Tally> tallies) {
		long total = 0;
		long pendingReview = 0;
		long coveredFrames = 0;
		Map<String, Long> byState = new HashMap<>();
		Map<String, Long> byStatus = new HashMap<>();
		for (Tally tally : tallies) {
			total += tally.captions();
			pendingReview += tally.pendingReview();
			coveredFrames += tally.coveredFrames();
			byState.merge(tally.extentsState(), tally.captions(), Long::sum);
			byStatus.merge(tally.ocrStatus(), tally.captions(), Long::sum);
		}
		Map<String, Long> ocr = new LinkedHashMap<>();
		for (OcrStatus status : OcrStatus.values()) {
			ocr.put(status.wireName(), byStatus.getOrDefault(status.wireName(), 0L));
		}
		long predicted = byState.getOrDefault(ExtentsState.PREDICTED.wireName(), 0L);
		double progress = (total > 0) ? Math.round(1000.0 * (total - predicted) / total) / 10.0 : 0;
		return new VideoStats(video.id(), total, byState.getOrDefault(ExtentsState.CONFIRMED.wireName(), 0L), predicted,
				byState.getOrDefault(ExtentsState.GAP.wireName(), 0L),
				byState.getOrDefault(ExtentsState.ISSUE.wireName(), 0L), pendingReview,
				Math.min(coveredFrames, video.frameCount()), video.frameCount(), progress, ocr,
				byStatus.getOrDefault(OcrStatus.QUEUED.wireName(), 0L)
						+ byStatus.getOrDefault(OcrStatus.PROCESSING.wireName(), 0L) > 0);
	}

	private static long number(Readable row, String column) {
		Number value = row.get(column, Number.class);
		return (value != null) ? value.longValue() : 0;
	}

	/**
	 * The captions of a video with one extents state and one OCR status.
	 *
	 * @param extentsState the state, as stored
	 * @param ocrStatus the status, as stored
	 * @param captions how many
	 * @param pendingReview how many of them await review of their extents or text
	 * @param coveredFrames their frames, summed
	 */
	record Tally(String extentsState, String ocrStatus, long captions, long pendingReview, long coveredFrames) {
	}

}
