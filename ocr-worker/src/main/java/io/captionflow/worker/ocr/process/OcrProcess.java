package io.captionflow.worker.ocr.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.OcrUnavailableException;
import io.captionflow.worker.sandbox.ChildFailedException;
import io.captionflow.worker.sandbox.ChildPool;
import io.captionflow.worker.sandbox.ChildProcess;
import io.captionflow.worker.sandbox.ChildUnavailableException;

/**
 * One OCR child process and its connection. A request it does not answer, because the
 * process died or was killed for taking too long, fails with an {@link OcrException}
 * naming the cause, and the process is not used again.
 */
final class OcrProcess implements ChildPool.Member, AutoCloseable {

	private final ChildProcess child;

	private OcrProcess(ChildProcess child) {
		this.child = child;
	}

	/**
	 * Starts a child process and waits until it has connected.
	 * @param command the command line without the socket path
	 * @param socket where to listen for the child; must not exist
	 * @param crashReports folder the child's JVM writes its crash report to
	 * @param startTimeout how long the child may take to connect
	 * @return the connected process
	 * @throws OcrUnavailableException when it does not start or connect in time
	 */
	static OcrProcess start(List<String> command, Path socket, Path crashReports, Duration startTimeout) {
		try {
			return new OcrProcess(ChildProcess.start(command, socket, crashReports, startTimeout, "OCR process"));
		}
		catch (ChildUnavailableException ex) {
			throw new OcrUnavailableException(ex.getMessage());
		}
	}

	@Override
	public long pid() {
		return this.child.pid();
	}

	@Override
	public boolean isUsable() {
		return this.child.isUsable();
	}

	/**
	 * Sends a request and waits for the reply, killing the process when it takes longer
	 * than the timeout.
	 */
	OcrText recognise(OcrProtocol.Request request, Duration timeout, ScheduledExecutorService watchdog) {
		try {
			return this.child.exchange((in, out) -> {
				OcrProtocol.writeRequest(out, request);
				return OcrProtocol.readReply(in);
			}, timeout, watchdog);
		}
		catch (ChildFailedException ex) {
			throw new OcrException(describe(ex.death(), timeout));
		}
	}

	private static String describe(ChildFailedException.Death death, Duration timeout) {
		return switch (death.cause()) {
			case TIMED_OUT -> "OCR took longer than " + describe(timeout) + " and was stopped";
			case CRASHED -> "the OCR engine crashed reading this caption (" + death.signal() + "; JVM crash report "
					+ death.crashReport() + ")";
			case KILLED -> "the OCR engine crashed reading this caption (killed by " + death.signal() + ")";
			case EXITED -> "the OCR process exited with status " + death.status() + " while reading this caption";
			case STOPPED_ANSWERING -> "the OCR process stopped answering";
		};
	}

	private static String describe(Duration timeout) {
		return (timeout.toMillis() % 1000 == 0) ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
	}

	@Override
	public void close() {
		this.child.close();
	}

}
