package io.captionflow.worker.frames;

import java.util.Objects;

/**
 * A caption's frames could not be read: the video is missing or unreadable, or the range
 * or the crop box does not fit it. Retrying will not help.
 */
public class FrameDecodingException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message what was wrong, fit to show a user
	 */
	public FrameDecodingException(String message) {
		super(message);
	}

	/**
	 * Creates the exception.
	 * @param message what was wrong, fit to show a user
	 * @param cause the decoder's error
	 */
	public FrameDecodingException(String message, Throwable cause) {
		super(message, cause);
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
