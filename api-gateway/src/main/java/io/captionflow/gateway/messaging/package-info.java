/**
 * Kafka as the gateway uses it: the topics it creates and its listeners' error handling,
 * by which a failed record is retried, dead-lettered or logged, never dropped in silence.
 */
@ApplicationModule(allowedDependencies = { "web" })
package io.captionflow.gateway.messaging;

import org.springframework.modulith.ApplicationModule;
