package io.captionflow.worker.ocr;

/**
 * Text read from an image.
 *
 * @param text the text, trimmed; empty when none was found
 * @param confidence Tesseract's confidence in the least certain word, 0 to 100; below 80
 * means "check this" (the accuracy suite measures what each value means)
 */
public record OcrText(String text, double confidence) {
}
