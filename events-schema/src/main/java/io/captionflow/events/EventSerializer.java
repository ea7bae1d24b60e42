package io.captionflow.events;

import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing events with {@link EventJson}. Bytes pass through unchanged:
 * they are events already encoded, from the outbox or a record sent to a dead-letter
 * topic.
 */
public class EventSerializer implements Serializer<Object> {

	@Override
	public byte[] serialize(String topic, Object data) {
		if (data == null) {
			return null;
		}
		return (data instanceof byte[] bytes) ? bytes : EventJson.write(data);
	}

}
