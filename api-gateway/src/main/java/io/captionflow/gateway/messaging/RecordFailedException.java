package io.captionflow.gateway.messaging;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * A Kafka record's handling failed. Listeners run their handling through
 * {@link #handle(Runnable)}, so that even an {@link Error} (out of memory, a stack
 * overflow) ends that record in the error handler's retries and dead letter instead of
 * stopping the listener container.
 */
public class RecordFailedException extends RuntimeException {

	RecordFailedException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Runs a record's handling; an {@link Error} it throws becomes an exception.
	 * @param handling what the listener does with the record
	 */
	public static void handle(Runnable handling) {
		try {
			handling.run();
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Error ex) {
			throw new RecordFailedException("handling the record failed: " + ex, ex);
		}
	}

	/**
	 * Waits for a reactive handling, off the event loop (a listener thread), within a
	 * time; a handling that does not finish in time is a database that did not answer.
	 * @param handling the handling
	 * @param timeout the longest wait
	 */
	public static void await(Mono<?> handling, Duration timeout) {
		handle(() -> {
			try {
				handling.block(timeout);
			}
			catch (IllegalStateException ex) {
				if (ex.getMessage() != null && ex.getMessage().startsWith("Timeout on blocking read")) {
					throw new ApplyTimedOut(timeout, ex);
				}
				throw ex;
			}
		});
	}

	/**
	 * A record's handling did not finish in time: retried while the database is slow or
	 * away.
	 */
	static final class ApplyTimedOut extends RecordFailedException {

		ApplyTimedOut(Duration timeout, Throwable cause) {
			super("the record was not applied within " + timeout.toSeconds() + " s", cause);
		}

	}

}
