package io.captionflow.worker.ocr;

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

}
