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
	 * What a dead-letter topic's name adds to the name of the topic it holds records of.
	 */
	public static final String DEAD_LETTER_SUFFIX = ".DLT";

	/**
	 * The name of the topic holding the records of this topic that could not be
	 * processed.
	 * @return the dead-letter topic name
	 */
	public String deadLetterName() {
		return this.name + DEAD_LETTER_SUFFIX;
	}

}
