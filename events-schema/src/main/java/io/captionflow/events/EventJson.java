package io.captionflow.events;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON encoding of every event: ISO-8601 timestamps, unknown properties ignored so
 * that additive schema changes stay compatible, versions checked on read.
 */
public final class EventJson {

	private static final JsonMapper MAPPER = JsonMapper.builder()
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.build();

	private EventJson() {
	}

	/**
	 * The mapper events are written and read with.
	 * @return the shared mapper
	 */
	public static JsonMapper mapper() {
		return MAPPER;
	}

	/**
	 * Writes an event as UTF-8 JSON.
	 * @param event the event
	 * @return its JSON
	 */
	public static byte[] write(Object event) {
		return MAPPER.writeValueAsBytes(event);
	}

	/**
	 * Reads an event and checks its schema version.
	 * @param json UTF-8 JSON
	 * @param type the event type
	 * @param <T> the event type
	 * @return the event
	 * @throws UnreadableEventException when the JSON is not a valid event of a supported
	 * version
	 */
	public static <T> T read(byte[] json, Class<T> type) {
		T event;
		try {
			event = MAPPER.readValue(json, type);
		}
		catch (RuntimeException ex) {
			throw new UnreadableEventException("not a valid " + type.getSimpleName() + ": " + ex.getMessage(), ex);
		}
		if (event == null) {
			throw new UnreadableEventException("empty " + type.getSimpleName(), null);
		}
		if (event instanceof VersionedEvent versioned
				&& versioned.schemaVersion() != versioned.supportedSchemaVersion()) {
			throw new UnreadableEventException(
					event.getClass().getSimpleName() + " schema version " + versioned.schemaVersion()
							+ " is not supported (this reader knows " + versioned.supportedSchemaVersion() + ")",
					null);
		}
		return event;
	}

}
