package io.captionflow.worker.sandbox;

import java.util.Objects;

/**
 * No child process could be had: one would not start or connect in time. The request is
 * not at fault, so it is worth retrying.
 */
public class ChildUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what went wrong
	 */
	public ChildUnavailableException(String message) {
		super(message);
	}

	/**
	 * What went wrong; never null, since every constructor takes it.
	 * @return the message
	 */
	@Override
	public String getMessage() {
		return Objects.requireNonNull(super.getMessage());
	}

}
