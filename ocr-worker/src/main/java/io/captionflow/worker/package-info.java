/**
 * The OCR worker: consumes caption OCR requests, reads each caption's median frame and
 * reports the outcome as flow events.
 */
@NullMarked
package io.captionflow.worker;

import org.jspecify.annotations.NullMarked;
