package io.captionflow.gateway.caption;

import java.util.Map;

/**
 * What the video page shows at a glance, refetched on every notification for the video:
 * counts of its captions. (Its {@code toString} is the entity tag's source: its name and
 * components are part of the tag.)
 *
 * @param videoId the video
 * @param totalAnnotations captions of the video
 * @param confirmed captions whose extents are confirmed
 * @param predicted captions still as predicted
 * @param gap captions marked as a gap (no caption shown)
 * @param issue captions marked with an issue
 * @param pendingReview captions whose extents or text await review
 * @param coveredFrames frames inside some caption
 * @param totalFrames frames of the video
 * @param progressPercent share of captions reviewed (not predicted), 0 to 100
 * @param ocr caption counts by OCR status, every {@link OcrStatus} in its order
 * @param processing whether any caption is queued or being processed
 */
record VideoStats(String videoId, long totalAnnotations, long confirmed, long predicted, long gap, long issue,
		long pendingReview, long coveredFrames, long totalFrames, double progressPercent, Map<String, Long> ocr,
		boolean processing) {
}
