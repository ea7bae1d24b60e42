package io.captionflow.worker.ocr;

/**
 * No OCR process could be had: one would not start, or none became free in time. The
 * caption is not at fault, so the request is worth retrying.
 */
public class OcrUnavailableException extends OcrException {

	/**
	 * Creates the exception.
	 * @param message what went wrong
	 */
	public OcrUnavailableException(String message) {
		super(message);
	}

}
