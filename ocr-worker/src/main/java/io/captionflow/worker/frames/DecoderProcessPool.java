package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.captionflow.events.CropBox;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.sandbox.ChildCommand;
import io.captionflow.worker.sandbox.ChildFailedException;
import io.captionflow.worker.sandbox.ChildPool;
import io.captionflow.worker.sandbox.ChildProcess;
import io.captionflow.worker.sandbox.ChildUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes in a pool of child processes ({@link DecoderServer}), so that videos, which are
 * untrusted input, never run through FFmpeg in the worker itself: a crash of FFmpeg on a
 * crafted or corrupt file ends that one caption in an error, a decode that exhausts the
 * child's heap does too, and one that takes longer than the decode timeout, the seek from
 * the keyframe included, is stopped by killing its process. Each child keeps the last
 * video it read open between requests; a child that crashed or was stopped is replaced by
 * a fresh one.
 */
public final class DecoderProcessPool implements FrameSource {

	private static final Logger logger = LoggerFactory.getLogger(DecoderProcessPool.class);

	private final Settings settings;

	private final List<String> command;

	private final Path workDir;

	private final ChildPool<ChildProcess> pool;

	private final ScheduledExecutorService watchdog = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("decoder-watchdog").factory());

	private final AtomicLong sockets = new AtomicLong();

	/**
	 * Creates a pool; its processes start when first needed.
	 * @param settings size, timeouts, heap and the decoders' options
	 */
	public DecoderProcessPool(Settings settings) {
		this.settings = settings;
		try {
			this.workDir = Files.createTempDirectory("captionflow-decoder-");
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot create a folder for the decoder processes' sockets", ex);
		}
		this.command = Stream
			.concat(ChildCommand.forClass(DecoderServer.class, settings.maxHeap(), this.workDir, false).stream(),
					DecoderProtocol.arguments(settings.options()).stream())
			.toList();
		this.pool = new ChildPool<>("decoder", settings.size(), settings.timeout(), this::spawn,
				ChildUnavailableException::new);
	}

	/**
	 * Starts every process now, so the first captions do not wait for them.
	 */
	public void start() {
		this.pool.start();
	}

	/**
	 * {@inheritDoc}
	 * @throws ChildUnavailableException when no decoder process could be had: worth
	 * retrying
	 */
	@Override
	public List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames, Progress progress) {
		DecoderProtocol.Request request = new DecoderProtocol.Request(video.toAbsolutePath(), range, crop, maxFrames);
		AtomicInteger decoded = new AtomicInteger();
		ChildProcess process = this.pool.borrow();
		try {
			return process.exchange((in, out) -> {
				DecoderProtocol.writeRequest(out, request);
				return DecoderProtocol.readReply(in, request, (done, total) -> {
					decoded.set(done);
					progress.decoded(done, total);
				});
			}, this.settings.timeout(), this.watchdog);
		}
		catch (ChildFailedException ex) {
			String reason = describe(ex.death(), video, decoded.get(), range.length());
			// the reason names the file, which is not the worker's to log unescaped
			logger.warn("Decoder process {} is gone ({}{}); starting another", process.pid(), ex.death().cause(),
					(ex.death().signal() != null) ? " " + ex.death().signal() : "");
			throw new FrameDecodingException(reason);
		}
		catch (FrameDecodingException ex) {
			throw ex;
		}
		catch (RuntimeException | Error ex) {
			// the exchange stopped halfway (the progress listener threw, or the frames
			// did
			// not fit this process's heap): the rest of the reply is unread, so the
			// connection is unusable
			process.discard();
			throw ex;
		}
		finally {
			this.pool.giveBack(process);
		}
	}

	private String describe(ChildFailedException.Death death, Path video, int decoded, int total) {
		String name = "'" + video.getFileName() + "'";
		return switch (death.cause()) {
			case TIMED_OUT -> "decoding took longer than " + describe(this.settings.timeout())
					+ " and was stopped after " + decoded + " of " + total + " frames";
			// a crash is known by its report
			case CRASHED -> "the decoder crashed reading video " + name + " (" + death.signal() + "; JVM crash report "
					+ Objects.requireNonNull(death.crashReport()).getFileName() + ")";
			case KILLED -> "the decoder crashed reading video " + name + " (killed by " + death.signal() + ")";
			case EXITED -> "the decoder process exited with status " + death.status() + " while reading video " + name;
			case STOPPED_ANSWERING -> "the decoder process stopped answering while reading video " + name;
		};
	}

	private static String describe(Duration timeout) {
		return (timeout.toMillis() % 1000 == 0) ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
	}

	/**
	 * The process ids of the running children, for operators and monitoring.
	 * @return child pids
	 */
	public List<Long> pids() {
		return this.pool.pids();
	}

	/**
	 * What the pool has done so far, for metrics and health.
	 * @return its counts
	 */
	public ChildPool.Stats stats() {
		return this.pool.stats();
	}

	private ChildProcess spawn() {
		Path socket = this.workDir.resolve("decoder-" + this.sockets.incrementAndGet() + ".sock");
		ChildProcess process = ChildProcess.start(this.command, socket, this.workDir, this.settings.startTimeout(),
				"decoder process");
		logger.debug("Started decoder process {}", process.pid());
		return process;
	}

	@Override
	public void close() {
		this.pool.close();
		this.watchdog.shutdownNow();
		try {
			// kept when it holds a crash report
			Files.deleteIfExists(this.workDir);
		}
		catch (IOException ex) {
			logger.info("Decoder crash reports are in {}", this.workDir);
		}
	}

	/**
	 * How the pool runs.
	 *
	 * @param size the most child processes; one per listener thread is enough
	 * @param timeout the longest one caption's decoding may take, from opening the video
	 * through the seek to its last frame, before its process is stopped
	 * @param startTimeout the longest a child may take to start
	 * @param maxHeap the Java heap of a child, in megabytes: it holds a caption's cropped
	 * frames, so it must exceed the limit on their bytes (FFmpeg's own memory is native)
	 * @param options what the children's decoders accept and how they decode
	 */
	public record Settings(int size, Duration timeout, Duration startTimeout, int maxHeap,
			FrameRangeDecoder.Options options) {

		public Settings {
			if (size < 1) {
				throw new IllegalArgumentException("the decoder pool needs at least one process");
			}
		}

	}

}
