/**
 * Reading a caption's text from its median frame with Tesseract: binarisation, scaling,
 * and one reused engine handle per thread.
 */
package io.captionflow.worker.ocr;
