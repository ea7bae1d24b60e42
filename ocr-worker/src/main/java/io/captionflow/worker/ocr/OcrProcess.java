package io.captionflow.worker.ocr;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One OCR child process and its connection. A request it does not answer, because the
 * process died or was killed for taking too long, fails with an {@link OcrException}
 * naming the cause, and the process is not used again.
 */
final class OcrProcess implements AutoCloseable {

	private static final Pattern SIGNAL = Pattern.compile("\\b(SIG[A-Z]+)\\b");

	private final Process process;

	private final SocketChannel channel;

	private final DataInputStream in;

	private final DataOutputStream out;

	private final Path crashReport;

	private final AtomicBoolean timedOut = new AtomicBoolean();

	private volatile boolean broken;

	private OcrProcess(Process process, SocketChannel channel, Path crashReport) {
		this.process = process;
		this.channel = channel;
		this.crashReport = crashReport;
		this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
		this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
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
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			ProcessBuilder builder = new ProcessBuilder(
					Stream.concat(command.stream(), Stream.of(socket.toString())).toList())
				.redirectOutput(ProcessBuilder.Redirect.INHERIT)
				.redirectError(ProcessBuilder.Redirect.INHERIT);
			// one OpenMP thread per engine: 37 ms a line instead of 320 ms
			builder.environment().put("OMP_THREAD_LIMIT", "1");
			Process process = builder.start();
			CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> {
				try {
					return server.accept();
				}
				catch (IOException ex) {
					throw new OcrUnavailableException("the OCR process did not connect: " + ex.getMessage());
				}
			}, Thread::startVirtualThread);
			try {
				SocketChannel channel = accepted.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
				return new OcrProcess(process, channel,
						crashReports.resolve("captionflow-ocr-" + process.pid() + ".log"));
			}
			catch (TimeoutException | ExecutionException ex) {
				process.destroyForcibly();
				throw new OcrUnavailableException("the OCR process did not start within " + startTimeout.toSeconds()
						+ " s" + (process.isAlive() ? "" : " (it exited)"));
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
				throw new OcrUnavailableException("interrupted while starting the OCR process");
			}
		}
		catch (IOException ex) {
			throw new OcrUnavailableException("cannot start an OCR process: " + ex.getMessage());
		}
		finally {
			try {
				Files.deleteIfExists(socket);
			}
			catch (IOException ex) {
				// a stale socket file is harmless: the next one gets a new name
			}
		}
	}

	long pid() {
		return this.process.pid();
	}

	boolean isUsable() {
		return !this.broken && this.process.isAlive();
	}

	/**
	 * Sends a request and waits for the reply, killing the process when it takes longer
	 * than the timeout.
	 */
	OcrText recognise(OcrProtocol.Request request, Duration timeout, ScheduledExecutorService watchdog) {
		ScheduledFuture<?> deadline = watchdog.schedule(() -> {
			this.timedOut.set(true);
			this.process.destroyForcibly();
		}, timeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			OcrProtocol.writeRequest(this.out, request);
			return OcrProtocol.readReply(this.in);
		}
		catch (IOException ex) {
			this.broken = true;
			if (this.timedOut.get()) {
				throw new OcrException("OCR took longer than " + describe(timeout) + " and was stopped");
			}
			throw new OcrException(describeDeath());
		}
		finally {
			deadline.cancel(false);
		}
	}

	private String describeDeath() {
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			return "the OCR process stopped answering";
		}
		String signal = signalFromCrashReport();
		int exit = this.process.exitValue();
		if (signal != null) {
			return "the OCR engine crashed reading this caption (" + signal + "; JVM crash report " + this.crashReport
					+ ")";
		}
		if (exit > 128) {
			return "the OCR engine crashed reading this caption (killed by signal " + (exit - 128) + ")";
		}
		return "the OCR process exited with status " + exit + " while reading this caption";
	}

	private String signalFromCrashReport() {
		if (!Files.isRegularFile(this.crashReport)) {
			return null;
		}
		try (Stream<String> lines = Files.lines(this.crashReport)) {
			return lines.limit(40)
				.map(SIGNAL::matcher)
				.filter(Matcher::find)
				.map((m) -> m.group(1))
				.findFirst()
				.orElse(null);
		}
		catch (IOException | UncheckedIOException ex) {
			return null;
		}
	}

	private static String describe(Duration timeout) {
		return (timeout.toMillis() % 1000 == 0) ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing tells the child to exit; it is killed below if it does not
		}
		try {
			if (!this.process.waitFor(2, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
