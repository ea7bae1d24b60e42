package io.captionflow.worker.sandbox;

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

import org.jspecify.annotations.Nullable;

/**
 * One supervised child JVM and its Unix domain socket connection. An exchange with it
 * runs under a deadline: past it the process is killed. When the process does not answer,
 * because it died or was killed, the exchange fails with a {@link ChildFailedException}
 * saying how it ended (the signal is read from its JVM crash report), and the process is
 * not used again.
 */
public final class ChildProcess implements ChildPool.Member, AutoCloseable {

	private static final Pattern SIGNAL = Pattern.compile("\\b(SIG[A-Z]+)\\b");

	private final Process process;

	private final SocketChannel channel;

	private final DataInputStream in;

	private final DataOutputStream out;

	private final Path crashReport;

	private final AtomicBoolean timedOut = new AtomicBoolean();

	private volatile boolean broken;

	private ChildProcess(Process process, SocketChannel channel, Path crashReport) {
		this.process = process;
		this.channel = channel;
		this.crashReport = crashReport;
		this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel), 1 << 16));
		this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16));
	}

	/**
	 * Starts a child process and waits until it has connected.
	 * @param command the command line without the socket path, see {@link ChildCommand}
	 * @param socket where to listen for the child; must not exist
	 * @param crashReports folder the child's JVM writes its crash report to
	 * @param startTimeout how long the child may take to connect
	 * @param name what the child is, for messages, such as {@code "OCR process"}
	 * @return the connected process
	 * @throws ChildUnavailableException when it does not start or connect in time
	 */
	public static ChildProcess start(List<String> command, Path socket, Path crashReports, Duration startTimeout,
			String name) {
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
					throw new ChildUnavailableException("the " + name + " did not connect: " + ex.getMessage());
				}
			}, Thread::startVirtualThread);
			try {
				SocketChannel channel = accepted.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
				return new ChildProcess(process, channel, crashReports.resolve(crashReportName(process.pid())));
			}
			catch (TimeoutException | ExecutionException ex) {
				process.destroyForcibly();
				throw new ChildUnavailableException("the " + name + " did not start within " + startTimeout.toSeconds()
						+ " s" + (process.isAlive() ? "" : " (it exited)"));
			}
			catch (InterruptedException ex) {
				process.destroyForcibly();
				Thread.currentThread().interrupt();
				throw new ChildUnavailableException("interrupted while starting the " + name);
			}
		}
		catch (IOException ex) {
			throw new ChildUnavailableException("cannot start a " + name + ": " + ex.getMessage());
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

	/**
	 * The name of the JVM crash report of a child, in the folder given to
	 * {@link ChildCommand}.
	 * @param pid the child's process id
	 * @return the file name
	 */
	static String crashReportName(long pid) {
		return "captionflow-child-" + pid + ".log";
	}

	/**
	 * The child's process id.
	 * @return its pid
	 */
	@Override
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Whether the child can take another request.
	 * @return true while it is alive and has answered every request
	 */
	@Override
	public boolean isUsable() {
		return !this.broken && this.process.isAlive();
	}

	/**
	 * Runs one request and its reply over the connection, killing the process when it
	 * takes longer than the timeout.
	 * @param <T> the reply
	 * @param exchange writes the request and reads the reply
	 * @param timeout the longest the exchange may take
	 * @param watchdog runs the deadline
	 * @return the reply
	 * @throws ChildFailedException when the child did not answer
	 */
	public <T> T exchange(Exchange<T> exchange, Duration timeout, ScheduledExecutorService watchdog) {
		ScheduledFuture<?> deadline = watchdog.schedule(() -> {
			this.timedOut.set(true);
			this.process.destroyForcibly();
		}, timeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			return exchange.run(this.in, this.out);
		}
		catch (IOException | UncheckedIOException ex) {
			this.broken = true;
			if (this.timedOut.get()) {
				throw new ChildFailedException(
						new ChildFailedException.Death(ChildFailedException.Cause.TIMED_OUT, null, -1, null));
			}
			throw new ChildFailedException(describeDeath());
		}
		finally {
			deadline.cancel(false);
		}
	}

	/**
	 * Marks the child as not to be used again, for when its reply broke the protocol.
	 */
	public void discard() {
		this.broken = true;
		this.process.destroyForcibly();
	}

	private ChildFailedException.Death describeDeath() {
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			return new ChildFailedException.Death(ChildFailedException.Cause.STOPPED_ANSWERING, null, -1, null);
		}
		String signal = signalFromCrashReport();
		int exit = this.process.exitValue();
		if (signal != null) {
			return new ChildFailedException.Death(ChildFailedException.Cause.CRASHED, signal, exit, this.crashReport);
		}
		if (exit > 128) {
			return new ChildFailedException.Death(ChildFailedException.Cause.KILLED, "signal " + (exit - 128), exit,
					null);
		}
		return new ChildFailedException.Death(ChildFailedException.Cause.EXITED, null, exit, null);
	}

	private @Nullable String signalFromCrashReport() {
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

	/**
	 * One request and its reply.
	 *
	 * @param <T> the reply
	 */
	@FunctionalInterface
	public interface Exchange<T> {

		/**
		 * Writes the request and reads the reply.
		 * @param in from the child
		 * @param out to the child
		 * @return the reply
		 * @throws IOException when the child is gone
		 */
		T run(DataInputStream in, DataOutputStream out) throws IOException;

	}

}
