/**
 * Reading a caption's text from its median frame with Tesseract: binarisation, line
 * finding and scaling here, recognition in supervised child processes that each keep
 * their engines loaded.
 */
package io.captionflow.worker.ocr;
