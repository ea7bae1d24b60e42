/**
 * The events CaptionFlow's processes exchange over Kafka, the registry of topics that
 * carry them, and their JSON encoding.
 */
package io.captionflow.events;
