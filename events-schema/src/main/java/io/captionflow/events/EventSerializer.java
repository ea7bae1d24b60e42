package io.captionflow.events;

import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing events with {@link EventJson}.
 *
 * @param <T> the event type
 */
public class EventSerializer<T> implements Serializer<T> {

	@Override
	public byte[] serialize(String topic, T data) {
		return (data != null) ? EventJson.write(data) : null;
	}

}
