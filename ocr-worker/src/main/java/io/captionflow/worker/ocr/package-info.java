/**
 * Reading a caption's text with Tesseract: the recognizer API, the engine and the tidying
 * of what it returns, with recognition itself run in supervised child processes
 * ({@code process}).
 */
@ApplicationModule(allowedDependencies = { "image", "sandbox", "textimage" })
@NullMarked
package io.captionflow.worker.ocr;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
