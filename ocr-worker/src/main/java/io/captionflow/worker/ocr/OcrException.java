package io.captionflow.worker.ocr;

import java.util.Objects;

/**
 * Tesseract could not read an image: the language is not installed, or the engine failed.
 */
public class OcrException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what went wrong, fit to show a user
	 */
	public OcrException(String message) {
		super(message);
	}

	/**
	 * What went wrong; never null, since every constructor takes it.
	 * @return the message
	 */
	@Override
	public String getMessage() {
		return Objects.requireNonNull(super.getMessage());
	}

}
