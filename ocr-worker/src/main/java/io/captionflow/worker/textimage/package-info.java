/**
 * Preparing a caption's frames for OCR: isolating its text from the moving background,
 * binarising it dark on light, finding its lines and scaling them for the engine.
 */
@ApplicationModule(allowedDependencies = { "image" })
@NullMarked
package io.captionflow.worker.textimage;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
