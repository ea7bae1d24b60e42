package io.captionflow.worker.sandbox;

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

}
