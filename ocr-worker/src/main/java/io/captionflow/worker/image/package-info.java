/**
 * 8-bit gray images as the worker passes them between decoding, the median and OCR.
 */
@ApplicationModule(allowedDependencies = {})
package io.captionflow.worker.image;

import org.springframework.modulith.ApplicationModule;
