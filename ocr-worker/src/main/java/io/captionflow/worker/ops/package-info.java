/**
 * What an operator sees of a worker: the health of its Kafka connection, its request
 * listener and its child process pools, and their metrics.
 */
@ApplicationModule(allowedDependencies = { "frames", "ocr :: process", "sandbox" })
@NullMarked
package io.captionflow.worker.ops;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
