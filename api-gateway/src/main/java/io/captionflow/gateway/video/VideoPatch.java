package io.captionflow.gateway.video;

import io.captionflow.events.CropBox;
import jakarta.validation.constraints.Pattern;

/**
 * A change of a video's OCR settings; absent fields are left as they are.
 *
 * @param crop the caption box, inside the frame
 * @param language Tesseract language code(s), e.g. {@code eng}, {@code chi_sim} or
 * {@code eng+deu}
 */
record VideoPatch(CropBox crop, @Pattern(regexp = LANGUAGE, message = LANGUAGE_MESSAGE) String language) {

	static final String LANGUAGE = "[a-z]{3}(_[a-z]+)?(\\+[a-z]{3}(_[a-z]+)?)*";

	static final String LANGUAGE_MESSAGE = "must be Tesseract language codes such as eng, chi_sim or eng+deu";

}
