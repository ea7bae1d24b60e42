package io.captionflow.worker.ocr;

/**
 * Text read from an image.
 *
 * @param text the text, trimmed; empty when none was found
 * @param confidence Tesseract's mean word confidence, 0 to 100
 */
public record OcrText(String text, double confidence) {
}
