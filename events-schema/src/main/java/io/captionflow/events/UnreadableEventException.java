package io.captionflow.events;

import org.jspecify.annotations.Nullable;

/**
 * A record could not be read as the event its topic carries: malformed JSON, a missing
 * field, or a schema version this code does not know. Retrying will not help.
 */
public class UnreadableEventException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what was wrong
	 * @param cause the parser's error, if any
	 */
	public UnreadableEventException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
