package io.captionflow.worker.ocr.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.OcrUnavailableException;
import io.captionflow.worker.ocr.Segmentation;
import io.captionflow.worker.ocr.TessdataFolders;
import io.captionflow.worker.ocr.TextRecognizer;
import io.captionflow.worker.sandbox.ChildCommand;
import io.captionflow.worker.sandbox.ChildPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Tesseract in a pool of child processes, so that a crash of the native engine
 * (Tesseract 5.3.0 can die with SIGFPE on some single-line images) ends that one caption
 * in an error instead of killing the worker, and a request that hangs is stopped after a
 * timeout. Each child keeps its engines loaded between requests; a child that crashed or
 * was stopped is replaced by a fresh one.
 */
public final class OcrProcessPool implements TextRecognizer {

	private static final String WARM_UP_LANGUAGE = "eng";

	private static final GrayImage BLANK_LINE = blankLine();

	private static final Logger logger = LoggerFactory.getLogger(OcrProcessPool.class);

	private final Settings settings;

	private final TessdataFolders folders;

	private final List<String> command;

	private final Path workDir;

	private final ChildPool<OcrProcess> pool;

	private final ScheduledExecutorService watchdog = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("ocr-watchdog").factory());

	private final AtomicLong sockets = new AtomicLong();

	/**
	 * Creates a pool; its processes start when first needed.
	 * @param settings size and timeouts
	 * @param folders where language models are found
	 */
	public OcrProcessPool(Settings settings, TessdataFolders folders) {
		this.settings = settings;
		this.folders = folders;
		try {
			this.workDir = Files.createTempDirectory("captionflow-ocr-");
		}
		catch (IOException ex) {
			throw new OcrException("cannot create a folder for the OCR processes' sockets: " + ex.getMessage());
		}
		this.command = ChildCommand.forClass(OcrServer.class, settings.maxHeap(), this.workDir);
		this.pool = new ChildPool<>("OCR", settings.size(), settings.timeout(), this::spawn,
				OcrUnavailableException::new);
	}

	/**
	 * Starts every process now, so the first captions do not wait for them.
	 */
	public void start() {
		this.pool.start();
	}

	@Override
	public OcrText recognise(GrayImage page, String language, Segmentation segmentation) {
		Path tessdata = this.folders.folderFor(language);
		OcrProcess process = this.pool.borrow();
		try {
			return process.recognise(new OcrProtocol.Request(page, tessdata, language, segmentation),
					this.settings.timeout(), this.watchdog);
		}
		catch (OcrException ex) {
			if (!process.isUsable()) {
				logger.warn("OCR process {} is gone ({}); starting another", process.pid(), ex.getMessage());
			}
			throw ex;
		}
		finally {
			this.pool.giveBack(process);
		}
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

	/**
	 * Starts a child and warms it up: it loads the English engine on a blank line within
	 * the start timeout, so that its first caption is held to the OCR timeout alone.
	 */
	private OcrProcess spawn() {
		Path socket = this.workDir.resolve("ocr-" + this.sockets.incrementAndGet() + ".sock");
		OcrProcess process = OcrProcess.start(this.command, socket, this.workDir, this.settings.startTimeout());
		try {
			process.recognise(new OcrProtocol.Request(BLANK_LINE, this.folders.folderFor(WARM_UP_LANGUAGE),
					WARM_UP_LANGUAGE, Segmentation.SINGLE_LINE), this.settings.startTimeout(), this.watchdog);
		}
		catch (OcrException ex) {
			process.close();
			throw new OcrUnavailableException("the OCR process did not warm up: " + ex.getMessage());
		}
		logger.debug("Started OCR process {}", process.pid());
		return process;
	}

	private static GrayImage blankLine() {
		byte[] white = new byte[64 * 44];
		Arrays.fill(white, (byte) 0xFF);
		return new GrayImage(64, 44, white);
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
			logger.info("OCR crash reports are in {}", this.workDir);
		}
	}

	/**
	 * How the pool runs.
	 *
	 * @param size the most child processes; one per OCR thread is enough
	 * @param timeout the longest one page may take before its process is stopped
	 * @param startTimeout the longest a child may take to start
	 * @param maxHeap the Java heap of a child, in megabytes (Tesseract's own memory is
	 * native and not counted)
	 */
	public record Settings(int size, Duration timeout, Duration startTimeout, int maxHeap) {

		public Settings {
			if (size < 1) {
				throw new IllegalArgumentException("the OCR pool needs at least one process");
			}
		}

	}

}
