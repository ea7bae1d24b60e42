/**
 * The events CaptionFlow's processes exchange over Kafka, the registry of topics that
 * carry them, and their JSON encoding.
 */
@NullMarked
package io.captionflow.events;

import org.jspecify.annotations.NullMarked;
