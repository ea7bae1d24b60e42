/**
 * Kafka as the gateway uses it: the topics it creates and its listeners' error handling,
 * by which a failed record is retried, dead-lettered or logged, never dropped in silence.
 */
@ApplicationModule(allowedDependencies = { "web" })
@NullMarked
package io.captionflow.gateway.messaging;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
