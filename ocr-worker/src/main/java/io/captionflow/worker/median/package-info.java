/**
 * The per-pixel median of a caption's frames: what stays (the caption) survives, what
 * moves (the background) goes.
 */
package io.captionflow.worker.median;
