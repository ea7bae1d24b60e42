package io.captionflow.gateway.caption;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A caption as the API shows it.
 *
 * @param id caption id
 * @param videoId the video
 * @param startFrameIndex first frame, inclusive, 0-based
 * @param endFrameIndex last frame, inclusive
 * @param extentsState the annotator's judgement of the extents
 * @param extentsPending whether the extents await review
 * @param text the annotator's text
 * @param textPending whether the text awaits review
 * @param notes the annotator's notes on the text
 * @param captionOcr the OCR text, null until OCR completed
 * @param captionOcrConfidence OCR confidence in the least certain word, 0 to 100; below
 * 80 means "check this"
 * @param captionOcrStatus where its OCR is
 * @param captionOcrError why OCR failed
 * @param captionOcrProgress how far the worker is, 0 to 100, while OCR is in progress;
 * null otherwise
 * @param captionOcrProcessedAt when the last OCR result was applied
 * @param imageNeedsRegen whether the median image is out of date
 * @param revision incremented by every save of the extents
 * @param createdAt creation time
 * @param updatedAt last change
 */
record Caption(long id, String videoId, int startFrameIndex, int endFrameIndex, ExtentsState extentsState,
		boolean extentsPending, @Nullable String text, boolean textPending, @Nullable String notes,
		@Nullable String captionOcr, @Nullable Double captionOcrConfidence, OcrStatus captionOcrStatus,
		@Nullable String captionOcrError, @Nullable Integer captionOcrProgress, @Nullable Instant captionOcrProcessedAt,
		boolean imageNeedsRegen, long revision, Instant createdAt, Instant updatedAt) {

	CaptionKey key() {
		return new CaptionKey(this.videoId, this.id);
	}

	FrameRange range() {
		return new FrameRange(this.startFrameIndex, this.endFrameIndex);
	}

}
