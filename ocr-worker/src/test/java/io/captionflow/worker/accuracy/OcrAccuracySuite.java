package io.captionflow.worker.accuracy;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.captionflow.testsupport.CaptionedVideo;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.Segmentation;
import io.captionflow.worker.ocr.TessdataFolders;
import io.captionflow.worker.ocr.process.OcrProcessPool;
import io.captionflow.worker.textimage.TextIsolation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OCR accuracy suite: burned-in captions of 2 to 55 characters, one and two lines, in
 * DejaVu and Liberation fonts, 36 to 64 px, white and yellow, with and without outline
 * and translucent box, 0.8 to 3 s on screen, over moving high-contrast backgrounds in
 * real 1080p H.264 videos, plus stretches with no caption and Chinese captions. Prints
 * the character error rate (CER) of four ways of reading a caption: OCR of one frame, OCR
 * of the median frame as it is, the median binarised whole (the worker's first pipeline),
 * and the worker's pipeline with text isolation; the junk characters each reads where
 * there is no caption; how the worker's errors vary with its reported confidence, and the
 * time isolation takes. Then asserts the targets: CER at most 2 % in English and 1 % in
 * Chinese, no junk.
 * <p>
 * The stress videos (smaller, thinner text without outline or box, 0.4 to 1.2 s) are
 * beyond what the targets promise; they are there to show what low confidence means.
 * <p>
 * Run with {@code ./mvnw -pl ocr-worker verify -Paccuracy} ({@code make test} does);
 * {@code -Daccuracy.isolationOnly=true} skips the three older methods,
 * {@code -Daccuracy.videos=folder} keeps the rendered videos and reuses them,
 * {@code -Daccuracy.dump=folder} keeps each caption's median, middle frame and isolated
 * text as PNG.
 */
class OcrAccuracySuite {

	private static final List<String> ENGLISH = List.of("OK", "Wait... what?", "It's 10:45 PM, Dr. Smith.",
			"The quick brown fox jumps over 13 lazy dogs.", "Call 555-0199 before Friday (June 21st).",
			"We shipped v2.4.1 at 99.9% uptime", "Don't forget: bring 3 apples & 2 pears.",
			"Where were you on the night of May 5?", "\"Never,\" she said. \"Not again.\"",
			"Room 404 is on the 4th floor, turn left.", "She left at 6 a.m.\nand was back by noon.", "No!",
			"Meet me at the station at 7:30, and bring both tickets!");

	private static final List<String> CHINESE = List.of("你好", "我们明天早上八点见。", "这是一个测试字幕", "请不要忘记带上你的护照", "谢谢大家的支持！",
			"今天天气很好", "第三章：新的开始", "他说：我马上就来", "第一行字幕\n第二行也在这里");

	private static final List<CaptionedVideo.Style> STYLES = List.of(
			new CaptionedVideo.Style("DejaVu Sans", 48, Color.WHITE, true, false),
			new CaptionedVideo.Style("DejaVu Serif", 56, new Color(255, 230, 40), true, false),
			new CaptionedVideo.Style("DejaVu Sans", 40, Color.WHITE, false, true),
			new CaptionedVideo.Style("DejaVu Sans Mono", 36, new Color(255, 230, 40), true, true),
			new CaptionedVideo.Style("DejaVu Sans", 64, Color.WHITE, true, false),
			new CaptionedVideo.Style("DejaVu Serif", 44, Color.WHITE, false, true),
			new CaptionedVideo.Style("Liberation Sans", 52, Color.WHITE, true, false),
			new CaptionedVideo.Style("Liberation Serif", 40, new Color(255, 230, 40), false, true));

	private static final List<CaptionedVideo.Style> CHINESE_STYLES = STYLES.stream()
		.map((style) -> new CaptionedVideo.Style("WenQuanYi Micro Hei", style.size(), style.fill(), style.outline(),
				style.box()))
		.toList();

	private static final List<CaptionedVideo.Style> STRESS_STYLES = List.of(
			new CaptionedVideo.Style("DejaVu Sans", 30, Color.WHITE, false, false, false),
			new CaptionedVideo.Style("Liberation Serif", 32, new Color(255, 230, 40), false, false, false),
			new CaptionedVideo.Style("DejaVu Sans", 28, Color.WHITE, true, false, true),
			new CaptionedVideo.Style("Liberation Sans", 30, Color.WHITE, false, true, false));

	/** Frames on screen: 0.8 s to 3 s at 25 fps. */
	private static final int[] DURATIONS = { 20, 45, 25, 60, 75, 30 };

	/** Frames on screen: 0.4 s to 1.2 s. */
	private static final int[] STRESS_DURATIONS = { 10, 20, 12, 30 };

	private static final int GAP = 20;

	private static final double MAX_ENGLISH_CER = 2.0;

	private static final double MAX_CHINESE_CER = 1.0;

	/** The confidence below which the page asks to check a caption. */
	private static final int CHECK_BELOW = 80;

	@TempDir
	static Path work;

	static OcrProcessPool pool;

	static CaptionReader reader;

	private final FrameRangeDecoder decoder = new FrameRangeDecoder();

	private long readingNanos;

	private final List<Double> isolationAlone = new ArrayList<>();

	private final List<Sample> samples = new ArrayList<>();

	private final List<String> misses = new ArrayList<>();

	/**
	 * One rendered video.
	 *
	 * @param name the row's name
	 * @param background what moves behind the captions
	 * @param texts the captions
	 * @param language the Tesseract language
	 * @param styles how captions are drawn, in turn
	 * @param durations how long they are shown, in turn
	 * @param target whether the targets hold for it
	 */
	private record Video(String name, CaptionedVideo.Background background, List<String> texts, String language,
			List<CaptionedVideo.Style> styles, int[] durations, boolean target) {
	}

	/** One caption read by the worker's pipeline. */
	private record Sample(double confidence, int edits, int characters) {
	}

	@BeforeAll
	static void startOcr() {
		pool = new OcrProcessPool(new OcrProcessPool.Settings(1, Duration.ofSeconds(30), Duration.ofSeconds(30), 128),
				new TessdataFolders());
		reader = new CaptionReader(pool);
	}

	@AfterAll
	static void stopOcr() {
		pool.close();
	}

	@Test
	void readsCaptionsOverMovingTextureWithinTheTargets() throws IOException {
		List<Video> videos = new ArrayList<>();
		for (CaptionedVideo.Background background : CaptionedVideo.Background.values()) {
			videos.add(new Video("eng " + background.name().toLowerCase(Locale.ROOT), background, ENGLISH, "eng",
					STYLES, DURATIONS, true));
		}
		videos.add(new Video("chi_sim life", CaptionedVideo.Background.LIFE, CHINESE, "chi_sim", CHINESE_STYLES,
				DURATIONS, true));
		videos.add(new Video("stress mandelbrot", CaptionedVideo.Background.MANDELBROT, ENGLISH, "eng", STRESS_STYLES,
				STRESS_DURATIONS, false));
		videos.add(new Video("stress scrolling", CaptionedVideo.Background.SCROLLING, ENGLISH, "eng", STRESS_STYLES,
				STRESS_DURATIONS, false));
		String only = System.getProperty("accuracy.videos.only", "");
		Map<Video, Tally[]> rows = new LinkedHashMap<>();
		for (Video video : videos) {
			if (only.isEmpty() || video.name().contains(only)) {
				rows.put(video, measure(video));
			}
		}
		System.out.println(table(rows));
		for (Map.Entry<Video, Tally[]> row : rows.entrySet()) {
			Tally pipeline = row.getValue()[3];
			if (row.getKey().target()) {
				double target = row.getKey().language().startsWith("chi") ? MAX_CHINESE_CER : MAX_ENGLISH_CER;
				assertThat(pipeline.cer()).as("CER of %s", row.getKey().name()).isLessThanOrEqualTo(target);
				assertThat(pipeline.junk).as("junk characters in %s", row.getKey().name()).isZero();
			}
		}
		List<Sample> sure = this.samples.stream().filter((sample) -> sample.confidence() >= CHECK_BELOW).toList();
		List<Sample> unsure = this.samples.stream().filter((sample) -> sample.confidence() < CHECK_BELOW).toList();
		assertThat(exactlyRight(sure))
			.as("captions read with confidence %d or more that are exactly right", CHECK_BELOW)
			.isGreaterThanOrEqualTo(0.9);
		if (!unsure.isEmpty()) {
			assertThat(exactlyRight(unsure)).as("captions to check are more often wrong than those not to check")
				.isLessThan(exactlyRight(sure));
		}
	}

	private static double exactlyRight(List<Sample> samples) {
		return (double) samples.stream().filter((sample) -> sample.edits() == 0).count() / samples.size();
	}

	private String table(Map<Video, Tally[]> rows) {
		StringBuilder table = new StringBuilder("\nOCR accuracy: character error rate (edits / characters)\n");
		table.append(String.format("%-22s %8s %14s %14s %14s %14s%n", "video", "captions", "single frame",
				"median+plain", "median+binar.", "isolation"));
		for (Map.Entry<Video, Tally[]> row : rows.entrySet()) {
			Tally[] tallies = row.getValue();
			table.append(String.format("%-22s %8d %13.1f%% %13.1f%% %13.1f%% %13.1f%%%n", row.getKey().name(),
					tallies[3].captions, tallies[0].cer(), tallies[1].cer(), tallies[2].cer(), tallies[3].cer()));
		}
		table.append("Junk characters read where no caption is shown:\n");
		for (Map.Entry<Video, Tally[]> row : rows.entrySet()) {
			Tally[] tallies = row.getValue();
			table.append(String.format("%-22s %8d %14d %14d %14d %14d%n", row.getKey().name(), tallies[3].free,
					tallies[0].junk, tallies[1].junk, tallies[2].junk, tallies[3].junk));
		}
		table.append("The pipeline's errors by reported confidence (all videos):\n");
		for (int[] band : new int[][] { { 0, 50 }, { 50, 70 }, { 70, 80 }, { 80, 90 }, { 90, 101 } }) {
			List<Sample> in = this.samples.stream()
				.filter((sample) -> sample.confidence() >= band[0] && sample.confidence() < band[1])
				.toList();
			long edits = in.stream().mapToLong(Sample::edits).sum();
			long characters = in.stream().mapToLong(Sample::characters).sum();
			long exact = in.stream().filter((sample) -> sample.edits() == 0).count();
			table.append(String.format("  confidence %3d-%3d: %3d captions, %3.0f%% exactly right, CER %5.1f%%%n",
					band[0], Math.min(band[1], 100), in.size(), in.isEmpty() ? 0 : 100.0 * exact / in.size(),
					(characters == 0) ? 0 : 100.0 * edits / characters));
		}
		List<Sample> unsure = this.samples.stream().filter((sample) -> sample.confidence() < CHECK_BELOW).toList();
		table.append(String.format(
				"  below %d (\"check this\"): %d captions, %d of them misread; at or above: %d of %d misread%n",
				CHECK_BELOW, unsure.size(), unsure.stream().filter((sample) -> sample.edits() > 0).count(),
				this.samples.stream()
					.filter((sample) -> sample.confidence() >= CHECK_BELOW && sample.edits() > 0)
					.count(),
				this.samples.size() - unsure.size()));
		List<Double> alone = this.isolationAlone.stream().sorted().toList();
		table.append(String.format(
				"Isolation alone (1920x200 box, up to 64 frames, measured in passing): p50 %.1f ms, p95 %.1f ms%n",
				alone.get(alone.size() / 2), alone.get(alone.size() * 95 / 100)));
		table.append(String.format("Isolation and OCR: %.1f ms per caption on average%n",
				this.readingNanos / 1e6 / this.samples.size()));
		table.append("Captions the worker's pipeline misread, and text it read where there was none:\n");
		this.misses.forEach((miss) -> table.append(miss).append('\n'));
		return table.toString();
	}

	/**
	 * Renders one video and reads every caption and every stretch without one four ways.
	 * @return tallies for single frame, median as is, median binarised, and the pipeline
	 */
	private Tally[] measure(Video spec) throws IOException {
		List<CaptionedVideo.Caption> captions = new ArrayList<>();
		List<FrameRange> free = new ArrayList<>();
		int frame = GAP;
		for (int i = 0; i < spec.texts().size(); i++) {
			CaptionedVideo.Style style = spec.styles().get(i % spec.styles().size());
			int duration = spec.durations()[i % spec.durations().length];
			captions.add(new CaptionedVideo.Caption(frame, frame + duration - 1, spec.texts().get(i), style));
			frame += duration;
			free.add(new FrameRange(frame + 3, frame + GAP - 4));
			frame += GAP;
		}
		String kept = System.getProperty("accuracy.videos");
		Path folder = (kept != null) ? Files.createDirectories(Path.of(kept)) : work;
		Path video = folder.resolve(spec.name().replace(' ', '-') + ".mp4");
		if (kept == null || !Files.exists(video)) {
			CaptionedVideo.render(video, spec.background(), frame, captions);
		}
		boolean baselines = !Boolean.getBoolean("accuracy.isolationOnly");
		String language = spec.language();

		Tally[] tallies = { new Tally(), new Tally(), new Tally(), new Tally() };
		for (CaptionedVideo.Caption caption : captions) {
			List<GrayImage> frames = this.decoder.decode(video, new FrameRange(caption.start(), caption.end()),
					CaptionedVideo.CROP, 64);
			GrayImage median = MedianFrame.of(frames);
			String expected = caption.text();
			long isolationStart = System.nanoTime();
			TextIsolation.Text text = TextIsolation.isolate(frames, median);
			this.isolationAlone.add((System.nanoTime() - isolationStart) / 1e6);
			dump(video, caption.start(), median, frames.get(frames.size() / 2), text);
			if (baselines) {
				tallies[0].add(expected, reader.read(frames.get(frames.size() / 2), language).text(), language);
				tallies[1].add(expected, pool.recognise(median, language, Segmentation.BLOCK).text(), language);
				tallies[2].add(expected, reader.read(median, language).text(), language);
			}
			long reading = System.nanoTime();
			OcrText read = reader.read(frames, median, language);
			this.readingNanos += System.nanoTime() - reading;
			int edits = tallies[3].add(expected, read.text(), language);
			if (edits > 0) {
				this.misses
					.add(String.format("  %s at frame %d (%d edits, confidence %.0f): expected \"%s\", read \"%s\"",
							video.getFileName(), caption.start(), edits, read.confidence(), expected, read.text()));
			}
			String truth = normalize(expected, language);
			this.samples.add(new Sample(read.confidence(), edits, truth.codePointCount(0, truth.length())));
		}
		for (FrameRange range : free) {
			List<GrayImage> frames = this.decoder.decode(video, range, CaptionedVideo.CROP, 64);
			GrayImage median = MedianFrame.of(frames);
			if (baselines) {
				tallies[0].junk(reader.read(frames.get(frames.size() / 2), language).text(), language);
				tallies[1].junk(pool.recognise(median, language, Segmentation.BLOCK).text(), language);
				tallies[2].junk(reader.read(median, language).text(), language);
			}
			OcrText junk = reader.read(frames, median, language);
			tallies[3].junk(junk.text(), language);
			if (!junk.text().isBlank()) {
				this.misses.add(String.format("  %s frames %d-%d, no caption (confidence %.0f): read \"%s\"",
						video.getFileName(), range.start(), range.end(), junk.confidence(), junk.text()));
			}
		}
		return tallies;
	}

	/**
	 * With {@code -Daccuracy.dump=folder}, keeps the median, middle frame and isolated
	 * text of each caption.
	 */
	private static void dump(Path video, int start, GrayImage median, GrayImage middle, TextIsolation.Text isolated)
			throws IOException {
		String folder = System.getProperty("accuracy.dump");
		if (folder != null) {
			String name = video.getFileName().toString().replace(".mp4", "") + "-" + start;
			Files.createDirectories(Path.of(folder));
			median.writePng(Path.of(folder, name + "-median.png"));
			middle.writePng(Path.of(folder, name + "-frame.png"));
			if (isolated != null) {
				isolated.image().writePng(Path.of(folder, name + "-isolated.png"));
			}
		}
	}

	static String normalize(String text, String language) {
		String collapsed = text.strip().replaceAll("\\s+", " ");
		return language.startsWith("chi") ? collapsed.replace(" ", "") : collapsed;
	}

	/** Levenshtein distance over code points. */
	static int distance(String a, String b) {
		int[] x = a.codePoints().toArray();
		int[] y = b.codePoints().toArray();
		int[] previous = new int[y.length + 1];
		int[] current = new int[y.length + 1];
		for (int j = 0; j <= y.length; j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= x.length; i++) {
			current[0] = i;
			for (int j = 1; j <= y.length; j++) {
				int substitution = previous[j - 1] + ((x[i - 1] == y[j - 1]) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[y.length];
	}

	/** Edits and characters of one method on one video. */
	private static final class Tally {

		int captions;

		long edits;

		long characters;

		int free;

		long junk;

		int add(String expected, String read, String language) {
			String truth = normalize(expected, language);
			int edits = distance(truth, normalize(read, language));
			this.captions++;
			this.edits += edits;
			this.characters += truth.codePointCount(0, truth.length());
			return edits;
		}

		void junk(String read, String language) {
			this.free++;
			this.junk += normalize(read, language).replace(" ", "").codePoints().count();
		}

		double cer() {
			return (this.characters == 0) ? 0 : 100.0 * this.edits / this.characters;
		}

	}

}
