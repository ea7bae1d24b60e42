package io.captionflow.gateway.caption;

import io.captionflow.gateway.web.PlainText;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of a new caption.
 *
 * @param startFrameIndex first frame, inclusive, 0-based
 * @param endFrameIndex last frame, inclusive
 * @param state the annotator's judgement of the extents: an {@link ExtentsState}; a
 * string so that any other value is refused as invalid, as the other fields are
 * @param text the annotator's text, optional
 */
record CreateRequest(@NotNull @Min(0) Integer startFrameIndex, @NotNull @Min(0) Integer endFrameIndex,
		@NotNull @Pattern(regexp = ExtentsState.PATTERN, message = ExtentsState.PATTERN_MESSAGE) String state,
		@Size(max = 4000) @Pattern(regexp = PlainText.LINES, message = PlainText.LINES_MESSAGE) String text) {

	/**
	 * The state, once the request is validated.
	 * @return the state
	 */
	ExtentsState extentsState() {
		return ExtentsState.fromWireName(this.state);
	}

}
