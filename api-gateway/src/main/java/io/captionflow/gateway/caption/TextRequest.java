package io.captionflow.gateway.caption;

import io.captionflow.gateway.web.PlainText;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of a save of a caption's text.
 *
 * @param text the annotator's text; null clears it
 * @param textStatus {@code pending} (to be reviewed) or {@code confirmed}: a
 * {@link TextStatus}; a string so that any other value is refused as invalid, as the
 * other fields are
 * @param notes the annotator's notes, optional
 */
record TextRequest(@Size(max = 4000) @Pattern(regexp = PlainText.LINES, message = PlainText.LINES_MESSAGE) String text,
		@NotNull @Pattern(regexp = TextStatus.PATTERN, message = TextStatus.PATTERN_MESSAGE) String textStatus,
		@Size(max = 4000) @Pattern(regexp = PlainText.LINES, message = PlainText.LINES_MESSAGE) String notes) {

	/**
	 * The text status, once the request is validated.
	 * @return the status
	 */
	TextStatus status() {
		return TextStatus.fromWireName(this.textStatus);
	}

}
