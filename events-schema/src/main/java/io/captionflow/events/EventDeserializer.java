package io.captionflow.events;

import org.apache.kafka.common.serialization.Deserializer;
import org.jspecify.annotations.Nullable;

/**
 * Kafka deserializer reading the events of any CaptionFlow topic, or of its dead-letter
 * topic, as the type {@link Topics} registers for it. Wrap it in Spring Kafka's
 * {@code ErrorHandlingDeserializer} so that a record it refuses goes to the dead-letter
 * topic instead of stopping the partition.
 */
public class EventDeserializer implements Deserializer<Object> {

	@Override
	public @Nullable Object deserialize(String topic, byte @Nullable [] data) {
		return (data != null) ? EventJson.read(data, Topics.forName(topic).valueType()) : null;
	}

}
