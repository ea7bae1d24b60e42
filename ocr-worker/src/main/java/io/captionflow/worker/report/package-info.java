/**
 * Publishing what the worker did, as flow events, and waiting for the broker to
 * acknowledge them.
 */
@ApplicationModule(allowedDependencies = {})
package io.captionflow.worker.report;

import org.springframework.modulith.ApplicationModule;
