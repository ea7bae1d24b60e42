/**
 * The per-pixel median of a caption's frames: what stays (the caption) survives, what
 * moves (the background) goes.
 */
@ApplicationModule(allowedDependencies = { "image" })
@NullMarked
package io.captionflow.worker.median;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
