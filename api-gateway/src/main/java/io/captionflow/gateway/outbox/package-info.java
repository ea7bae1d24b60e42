/**
 * The transactional outbox: events written in the same transaction as the change they
 * announce, and the relay that publishes them to Kafka once the broker can take them.
 */
@ApplicationModule(allowedDependencies = { "background", "trace" })
@NullMarked
package io.captionflow.gateway.outbox;

import org.jspecify.annotations.NullMarked;

import org.springframework.modulith.ApplicationModule;
