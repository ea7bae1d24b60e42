/**
 * Taking OCR requests off Kafka and running each through decoding, the median and OCR,
 * with failures reported and poison records sent to the dead-letter topic.
 */
package io.captionflow.worker.intake;
