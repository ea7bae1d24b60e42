/**
 * The notification log and its push to browsers: every status change appended once,
 * fanned out to every gateway instance over Kafka, and streamed to SSE clients.
 */
package io.captionflow.gateway.notify;
