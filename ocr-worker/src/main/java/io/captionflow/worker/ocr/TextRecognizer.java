package io.captionflow.worker.ocr;

import io.captionflow.worker.image.GrayImage;

/**
 * Recognises the text of a prepared page: black text on white, scaled for Tesseract.
 */
public interface TextRecognizer extends AutoCloseable {

	/**
	 * Recognises a page.
	 * @param page black text on white
	 * @param language Tesseract language, such as {@code eng}, {@code chi_sim} or
	 * {@code eng+chi_sim}
	 * @param segmentation one line or a block
	 * @return the text and the confidence of its least certain word
	 * @throws OcrException when the language is not installed, the engine failed or
	 * crashed, or it took too long
	 */
	OcrText recognise(GrayImage page, String language, Segmentation segmentation);

	@Override
	void close();

}
