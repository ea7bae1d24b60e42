package io.captionflow.gateway.video;

import io.captionflow.events.CropBox;
import io.captionflow.gateway.web.PlainText;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of a video's registration.
 *
 * @param id the video id; generated when absent
 * @param title the title
 * @param media location of the video file under the media root
 * @param crop the caption box; the bottom sixth of the frame when absent
 * @param language Tesseract language code(s); {@code eng} when absent
 */
record RegisterRequest(
		@Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
				message = "must be 1 to 64 letters, digits, '_', '.' or '-'") String id,
		@NotBlank @Size(max = 200) @Pattern(regexp = PlainText.SINGLE_LINE,
				message = PlainText.SINGLE_LINE_MESSAGE) String title,
		@NotBlank @Size(max = 1000) @Pattern(regexp = PlainText.SINGLE_LINE,
				message = PlainText.SINGLE_LINE_MESSAGE) String media,
		CropBox crop, @Pattern(regexp = VideoPatch.LANGUAGE, message = VideoPatch.LANGUAGE_MESSAGE) String language) {
}
