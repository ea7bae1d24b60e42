/**
 * Supervised child JVMs that run native code on untrusted input (FFmpeg, Tesseract), so
 * that a crash, a hang or an exhausted heap costs one request and never the worker.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.worker.sandbox;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
