package io.captionflow.worker.ocr.process;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.Segmentation;
import io.captionflow.worker.ocr.TessdataFolders;
import io.captionflow.worker.textimage.Binarizer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tesseract isolated in child processes: a crash or a hang costs one request, never the
 * worker, and the next request gets a fresh process.
 */
class OcrProcessPoolTests {

	private OcrProcessPool pool;

	@AfterEach
	void close() {
		if (this.pool != null) {
			this.pool.close();
		}
	}

	@Test
	void readsALineInAChildProcess() {
		this.pool = pool(Duration.ofSeconds(30));
		OcrText text = new CaptionReader(this.pool).read(line("Isolated but just as fast", 40), "eng");
		assertThat(text.text()).isEqualTo("Isolated but just as fast");
		assertThat(text.confidence()).isGreaterThan(80);
		assertThat(this.pool.pids()).hasSize(1).doesNotContain(ProcessHandle.current().pid());
	}

	@Test
	void aCrashDuringARequestFailsThatRequestWithTheSignalAndTheNextOneSucceeds() throws Exception {
		this.pool = pool(Duration.ofSeconds(60));
		this.pool.start();
		long child = this.pool.pids().get(0);
		ProcessHandle handle = ProcessHandle.of(child).orElseThrow();
		Duration idleCpu = handle.info().totalCpuDuration().orElseThrow();
		CompletableFuture<OcrText> busy = CompletableFuture
			.supplyAsync(() -> this.pool.recognise(noisePage(), "eng", Segmentation.BLOCK));
		// the child is busy once it has used a good deal more CPU than it did idle
		await().atMost(Duration.ofSeconds(30))
			.until(() -> handle.info()
				.totalCpuDuration()
				.map((cpu) -> cpu.minus(idleCpu).toMillis() > 300)
				.orElse(false));
		assertThat(busy).isNotDone();
		// the signal libtesseract 5.3.0 dies of on some single-line images
		new ProcessBuilder("kill", "-FPE", Long.toString(child)).start().waitFor(10, TimeUnit.SECONDS);

		assertThat(busy).failsWithin(Duration.ofSeconds(30))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(OcrException.class)
			.withMessageContaining("the OCR engine crashed reading this caption")
			.withMessageContaining("SIGFPE");
		assertThat(new CaptionReader(this.pool).read(line("Still reading", 40), "eng").text())
			.isEqualTo("Still reading");
		assertThat(this.pool.pids()).hasSize(1).doesNotContain(child);
	}

	@Test
	void aProcessThatDiedWhileIdleIsReplacedBeforeTheNextRequest() {
		this.pool = pool(Duration.ofSeconds(30));
		this.pool.start();
		long child = this.pool.pids().get(0);
		ProcessHandle handle = ProcessHandle.of(child).orElseThrow();
		handle.destroyForcibly();
		await().atMost(Duration.ofSeconds(10)).until(() -> !handle.isAlive());

		assertThat(new CaptionReader(this.pool).read(line("Fresh process", 40), "eng").text())
			.isEqualTo("Fresh process");
		assertThat(this.pool.pids()).hasSize(1).doesNotContain(child);
	}

	@Test
	void aRequestThatTakesTooLongIsStoppedAndTheNextOneSucceeds() {
		this.pool = pool(Duration.ofMillis(300));
		this.pool.start();
		long child = this.pool.pids().get(0);
		assertThatExceptionOfType(OcrException.class)
			.isThrownBy(() -> this.pool.recognise(noisePage(), "eng", Segmentation.BLOCK))
			.withMessage("OCR took longer than 300 ms and was stopped");
		assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(new CaptionReader(this.pool).read(line("On time", 40), "eng").text()).isEqualTo("On time");
	}

	@Test
	void anEngineErrorIsReportedAndTheProcessStaysInUse() {
		this.pool = pool(Duration.ofSeconds(30));
		this.pool.start();
		List<Long> before = this.pool.pids();
		assertThatExceptionOfType(OcrException.class)
			.isThrownBy(() -> new CaptionReader(this.pool).read(line("Hello", 40), "zzz"))
			.withMessageContaining("OCR language 'zzz' is not installed");
		assertThat(new CaptionReader(this.pool).read(line("Hello again", 40), "eng").text()).isEqualTo("Hello again");
		assertThat(this.pool.pids()).isEqualTo(before);
	}

	@Test
	void readsTwoLinesAsABlock() {
		this.pool = pool(Duration.ofSeconds(30));
		GrayImage twoLines = lines(40, "The first line", "and the second");
		assertThat(Binarizer.prepare(twoLines).lines()).isEqualTo(2);
		assertThat(new CaptionReader(this.pool).read(twoLines, "eng").text())
			.isEqualTo("The first line\nand the second");
	}

	@Test
	void readsSimplifiedChineseWithoutSpacesBetweenGlyphs() throws IOException {
		this.pool = pool(Duration.ofSeconds(30));
		OcrText text = new CaptionReader(this.pool).read(line("字幕自动识别", 48, "WenQuanYi Micro Hei"), "chi_sim");
		assertThat(text.text()).isEqualTo("字幕自动识别");
	}

	private static OcrProcessPool pool(Duration timeout) {
		return new OcrProcessPool(new OcrProcessPool.Settings(1, timeout, Duration.ofSeconds(30), 64),
				new TessdataFolders());
	}

	static GrayImage line(String text, int size) {
		return render(size, "DejaVu Sans", text);
	}

	static GrayImage line(String text, int size, String font) {
		return render(size, font, text);
	}

	static GrayImage lines(int size, String... lines) {
		return render(size, "DejaVu Sans", lines);
	}

	/** White text on a dark caption strip, as a median frame shows it. */
	private static GrayImage render(int size, String fontName, String... lines) {
		int lineHeight = size * 3 / 2;
		BufferedImage image = new BufferedImage(1280, lineHeight * lines.length + 40, BufferedImage.TYPE_BYTE_GRAY);
		Graphics2D g = image.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
			g.setColor(new Color(40, 40, 40));
			g.fillRect(0, 0, image.getWidth(), image.getHeight());
			g.setColor(Color.WHITE);
			g.setFont(new Font(fontName, Font.BOLD, size));
			for (int i = 0; i < lines.length; i++) {
				g.drawString(lines[i], 60, 20 + size + i * lineHeight);
			}
		}
		finally {
			g.dispose();
		}
		return GrayImage.of(image);
	}

	/** Salt and pepper over a large page: Tesseract works on it for seconds. */
	private static GrayImage noisePage() {
		Random random = new Random(3);
		byte[] pixels = new byte[3000 * 2400];
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (random.nextInt(100) < 12 ? 0 : 255);
		}
		return new GrayImage(3000, 2400, pixels);
	}

}
