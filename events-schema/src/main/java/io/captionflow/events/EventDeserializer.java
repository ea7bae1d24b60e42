package io.captionflow.events;

import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer reading one topic's events with {@link EventJson}.
 *
 * @param <T> the event type
 */
public class EventDeserializer<T> implements Deserializer<T> {

	private final Class<T> type;

	/**
	 * Creates a deserializer for the values of a topic.
	 * @param topic the topic
	 */
	public EventDeserializer(Topic<?, T> topic) {
		this.type = topic.valueType();
	}

	@Override
	public T deserialize(String topic, byte[] data) {
		return (data != null) ? EventJson.read(data, this.type) : null;
	}

}
