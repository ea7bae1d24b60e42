package io.captionflow.gateway.caption;

import io.captionflow.gateway.PlainText;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of a new caption.
 *
 * @param startFrameIndex first frame, inclusive, 0-based
 * @param endFrameIndex last frame, inclusive
 * @param state the annotator's judgement of the extents
 * @param text the annotator's text, optional
 */
record CreateRequest(@NotNull @Min(0) Integer startFrameIndex, @NotNull @Min(0) Integer endFrameIndex,
		@NotNull @Pattern(regexp = "predicted|confirmed|gap|issue",
				message = "must be one of predicted, confirmed, gap, issue") String state,
		@Size(max = 4000) @Pattern(regexp = PlainText.LINES, message = PlainText.LINES_MESSAGE) String text) {
}
