/**
 * 8-bit gray images as the worker passes them between decoding, the median and OCR.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.worker.image;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
