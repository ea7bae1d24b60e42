package io.captionflow.events;

import org.apache.kafka.common.serialization.Serializer;
import org.jspecify.annotations.Nullable;

/**
 * Kafka serializer writing events with {@link EventJson}. Bytes pass through unchanged:
 * they are events already encoded, from the outbox or a record sent to a dead-letter
 * topic.
 */
public class EventSerializer implements Serializer<Object> {

	@Override
	public byte @Nullable [] serialize(String topic, @Nullable Object data) {
		if (data == null) {
			return null;
		}
		return (data instanceof byte[] bytes) ? bytes : EventJson.write(data);
	}

}
