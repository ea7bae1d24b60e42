/**
 * Publishing what the worker did, as flow events, and waiting for the broker to
 * acknowledge them.
 */
@ApplicationModule(allowedDependencies = {})
@NullMarked
package io.captionflow.worker.report;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
