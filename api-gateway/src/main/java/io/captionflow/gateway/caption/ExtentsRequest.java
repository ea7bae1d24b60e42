package io.captionflow.gateway.caption;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * The body of a save of a caption's frame extents.
 *
 * @param startFrameIndex first frame, inclusive, 0-based
 * @param endFrameIndex last frame, inclusive
 * @param state the annotator's judgement of the extents: an {@link ExtentsState}; a
 * string so that any other value is refused as invalid, as the other fields are
 */
record ExtentsRequest(@NotNull @Min(0) Integer startFrameIndex, @NotNull @Min(0) Integer endFrameIndex,
		@NotNull @Pattern(regexp = ExtentsState.PATTERN, message = ExtentsState.PATTERN_MESSAGE) String state) {

	/**
	 * The state, once the request is validated.
	 * @return the state
	 */
	ExtentsState extentsState() {
		return ExtentsState.fromWireName(this.state);
	}

}
