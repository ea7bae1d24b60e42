package io.captionflow.gateway.web;

import java.util.Objects;

/**
 * A resource named in a request does not exist; answered with 404.
 */
public class NotFoundException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what was not found, such as "video 'x' does not exist"
	 */
	public NotFoundException(String message) {
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
