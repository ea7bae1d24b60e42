package io.captionflow.events;

/**
 * A Kafka topic with the types of its keys and values.
 *
 * @param name the topic name
 * @param keyType the type of record keys
 * @param valueType the type of record values
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(String name, Class<K> keyType, Class<V> valueType) {

	/**
	 * The name of the topic holding the records of this topic that could not be
	 * processed.
	 * @return the dead-letter topic name
	 */
	public String deadLetterName() {
		return this.name + ".DLT";
	}

}
