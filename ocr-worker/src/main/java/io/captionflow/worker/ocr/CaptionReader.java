package io.captionflow.worker.ocr;

import java.util.List;

import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.textimage.Binarizer;
import io.captionflow.worker.textimage.TextIsolation;

/**
 * Reads a caption's text from its median frame: binarises it dark on light, finds its
 * lines, scales them for Tesseract, and has them recognised as one line or as a block.
 */
public final class CaptionReader {

	private static final OcrText NOTHING = new OcrText("", 0);

	private final TextRecognizer recognizer;

	/**
	 * Creates a reader.
	 * @param recognizer the engine, in this process or isolated in child processes
	 */
	public CaptionReader(TextRecognizer recognizer) {
		this.recognizer = recognizer;
	}

	/**
	 * Reads the text of a caption's median frame.
	 * @param median the median frame of the caption box
	 * @param language Tesseract language, such as {@code eng} or {@code chi_sim}
	 * @return the text, empty when the frame holds none
	 * @throws OcrException when the language is not installed, or the engine failed,
	 * crashed or took too long
	 */
	public OcrText read(GrayImage median, String language) {
		Binarizer.Page page = Binarizer.prepare(median);
		if (page == null) {
			return NOTHING;
		}
		return recognise(page, language, (page.lines() == 1) ? Segmentation.SINGLE_LINE : Segmentation.BLOCK);
	}

	/**
	 * Reads a caption from its frames: its text is isolated from the moving background
	 * first ({@link TextIsolation}), and a range without a caption reads as nothing.
	 * @param frames the caption's frames, cropped to the caption box
	 * @param median their median frame
	 * @param language Tesseract language, such as {@code eng} or {@code chi_sim}
	 * @return the text, empty with confidence 0 when no caption was found
	 * @throws OcrException when the language is not installed, or the engine failed,
	 * crashed or took too long
	 */
	public OcrText read(List<GrayImage> frames, GrayImage median, String language) {
		TextIsolation.Text text = TextIsolation.isolate(frames, median);
		if (text == null) {
			return NOTHING;
		}
		Binarizer.Page page = Binarizer.prepare(text.image());
		if (page == null) {
			return NOTHING;
		}
		return recognise(page, language, (text.lines() > 1) ? Segmentation.BLOCK : Segmentation.SINGLE_LINE);
	}

	private OcrText recognise(Binarizer.Page page, String language, Segmentation segmentation) {
		OcrText text = this.recognizer.recognise(page.image(), language, segmentation);
		return new OcrText(CjkSpacing.removeSpacesBetweenIdeographs(Punctuation.tidy(text.text())), text.confidence());
	}

}
