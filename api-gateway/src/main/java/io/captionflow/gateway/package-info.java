/**
 * The API gateway: videos and captions over HTTP, optimistic saves through a
 * transactional outbox, results applied from Kafka, and every status change pushed to
 * browsers over SSE.
 */
@NullMarked
package io.captionflow.gateway;

import org.jspecify.annotations.NullMarked;
