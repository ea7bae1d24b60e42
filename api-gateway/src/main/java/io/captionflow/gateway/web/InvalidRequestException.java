package io.captionflow.gateway.web;

import java.util.Objects;

/**
 * A request is well-formed but asks for something impossible; answered with 400 naming
 * the field.
 */
public class InvalidRequestException extends RuntimeException {

	private final String field;

	/**
	 * Creates the exception.
	 * @param field the request field at fault
	 * @param message what is wrong with it
	 */
	public InvalidRequestException(String field, String message) {
		super(message);
		this.field = field;
	}

	/**
	 * The request field at fault.
	 * @return field name
	 */
	public String field() {
		return this.field;
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
