package io.captionflow.worker.sandbox;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A child process did not answer a request: it was stopped for taking too long, it
 * crashed, or it exited. The process is not used again.
 */
public class ChildFailedException extends RuntimeException {

	private final Death death;

	ChildFailedException(Death death) {
		super(death.toString());
		this.death = death;
	}

	/**
	 * How the child ended.
	 * @return its death
	 */
	public Death death() {
		return this.death;
	}

	/**
	 * Why a child stopped answering.
	 */
	public enum Cause {

		/** It took longer than the request's timeout and was killed. */
		TIMED_OUT,

		/** Native code crashed it; its JVM crash report names the signal. */
		CRASHED,

		/** A signal killed it (no crash report). */
		KILLED,

		/** It exited on its own. */
		EXITED,

		/** It is still alive but closed its connection; it was killed. */
		STOPPED_ANSWERING

	}

	/**
	 * How a child ended.
	 *
	 * @param cause why
	 * @param signal the signal that crashed or killed it, such as {@code SIGSEGV}; null
	 * when none is known
	 * @param status its exit status, or -1 when it did not exit
	 * @param crashReport its JVM crash report, or null when it wrote none
	 */
	public record Death(Cause cause, @Nullable String signal, int status, @Nullable Path crashReport) {
	}

}
