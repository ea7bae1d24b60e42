/**
 * Preparing a caption's frames for OCR: isolating its text from the moving background,
 * binarising it dark on light, finding its lines and scaling them for the engine.
 */
package io.captionflow.worker.textimage;
