package io.captionflow.events;

/**
 * An event that carries the version of its schema, so a consumer can refuse one it does
 * not understand instead of misreading it.
 */
public interface VersionedEvent {

	/**
	 * The schema version this event was written with.
	 * @return the schema version
	 */
	int schemaVersion();

	/**
	 * The schema version this code reads and writes.
	 * @return the supported schema version
	 */
	int supportedSchemaVersion();

}
