/**
 * Taking OCR requests off Kafka and running each through decoding, the median and OCR,
 * with failures reported and poison records sent to the dead-letter topic.
 */
@ApplicationModule(allowedDependencies = { "frames", "median", "ocr", "ocr :: process", "report" })
@NullMarked
package io.captionflow.worker.intake;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
