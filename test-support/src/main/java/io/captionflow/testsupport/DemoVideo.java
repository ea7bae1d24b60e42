package io.captionflow.testsupport;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.events.VideoManifest.PredictedCaption;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Renders an H.264 MP4 with burned-in captions (white with a black outline) over a
 * moving, textured background, and writes its manifest beside it. No download: every
 * pixel is drawn here.
 */
public final class DemoVideo {

	private final Spec spec;

	/**
	 * Creates a renderer.
	 * @param spec what to render
	 */
	public DemoVideo(Spec spec) {
		this.spec = spec;
	}

	/**
	 * Renders the standard demo into {@code <mediaRoot>/demo/} unless it is already
	 * there.
	 * @param args the media root, {@code ./data/media} by default
	 * @throws IOException when the files cannot be written
	 */
	public static void main(String[] args) throws IOException {
		Path mediaRoot = Path.of((args.length > 0) ? args[0] : "./data/media");
		Path manifest = mediaRoot.resolve("demo/demo" + VideoManifest.SUFFIX);
		if (Files.exists(manifest)) {
			System.out.println("Demo video already present: " + manifest);
			return;
		}
		long start = System.nanoTime();
		new DemoVideo(Spec.demo()).render(mediaRoot, "demo", "demo/demo.mp4");
		System.out.printf("Rendered the demo video into %s in %d ms%n", mediaRoot.resolve("demo"),
				(System.nanoTime() - start) / 1_000_000);
	}

	/**
	 * Renders the video and its manifest.
	 * @param mediaRoot the media root
	 * @param id the video id
	 * @param media the video's location under the media root
	 * @return the manifest written beside the video
	 * @throws IOException when the files cannot be written
	 */
	public VideoManifest render(Path mediaRoot, String id, String media) throws IOException {
		Path file = mediaRoot.resolve(media);
		Files.createDirectories(file.toAbsolutePath().getParent());
		Path partial = file.resolveSibling(file.getFileName() + ".part.mp4");
		encode(partial);
		Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
		List<PredictedCaption> captions = new ArrayList<>();
		for (Caption caption : this.spec.captions()) {
			captions.add(new PredictedCaption(caption.start(), caption.end(), caption.text()));
		}
		VideoManifest manifest = new VideoManifest(id, this.spec.title(), media, this.spec.fps(), this.spec.frames(),
				this.spec.width(), this.spec.height(), this.spec.crop(), "eng", captions);
		String name = file.getFileName().toString();
		Path manifestFile = file.resolveSibling(name.substring(0, name.lastIndexOf('.')) + VideoManifest.SUFFIX);
		Files.write(manifestFile, EventJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
		return manifest;
	}

	private void encode(Path target) throws IOException {
		try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(target.toFile(), this.spec.width(),
				this.spec.height(), 0); Java2DFrameConverter converter = new Java2DFrameConverter()) {
			recorder.setFormat("mp4");
			recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
			recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
			recorder.setFrameRate(this.spec.fps());
			recorder.setGopSize(this.spec.gopSize());
			recorder.setVideoBitrate(6_000_000);
			recorder.start();
			BufferedImage canvas = new BufferedImage(this.spec.width(), this.spec.height(),
					BufferedImage.TYPE_3BYTE_BGR);
			for (int frame = 0; frame < this.spec.frames(); frame++) {
				draw(canvas, frame);
				recorder.record(converter.convert(canvas));
			}
			recorder.stop();
		}
		catch (FrameRecorder.Exception ex) {
			throw new IOException("cannot encode " + target + ": " + ex.getMessage(), ex);
		}
	}

	private void draw(BufferedImage canvas, int frame) {
		Graphics2D g = canvas.createGraphics();
		try {
			g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
			drawBackground(g, frame);
			for (Caption caption : this.spec.captions()) {
				if (frame >= caption.start() && frame <= caption.end()) {
					drawCaption(g, caption.text());
				}
			}
		}
		finally {
			g.dispose();
		}
	}

	/**
	 * Diagonal stripes scrolling one way, discs drifting the other: texture that moves
	 * under the caption, never brighter than mid-gray so the caption stays the brightest
	 * thing on screen.
	 */
	private void drawBackground(Graphics2D g, int frame) {
		int w = this.spec.width();
		int h = this.spec.height();
		g.setColor(new Color(40, 48, 64));
		g.fillRect(0, 0, w, h);
		int period = 48;
		int offset = (frame * 7) % period;
		g.setStroke(new BasicStroke(18));
		g.setColor(new Color(96, 84, 70));
		for (int x = -h - period; x < w + period; x += period) {
			g.drawLine(x + offset, h, x + offset + h, 0);
		}
		for (int i = 0; i < 9; i++) {
			int cx = (i * 173 + frame * (5 + i)) % (w + 200) - 100;
			int cy = (i * 97 + frame * (3 + i % 4)) % (h + 200) - 100;
			g.setColor(new Color(60 + i * 9, 110 - i * 5, 120 - i * 6));
			g.fillOval(cx, cy, 90 + i * 12, 90 + i * 12);
		}
	}

	private void drawCaption(Graphics2D g, String text) {
		CropBox crop = this.spec.crop();
		Font font = new Font("DejaVu Sans", Font.BOLD, this.spec.fontSize());
		TextLayout layout = new TextLayout(text, font, g.getFontRenderContext());
		float x = crop.x() + (crop.width() - layout.getAdvance()) / 2;
		float y = crop.y() + (crop.height() + layout.getAscent() - layout.getDescent()) / 2;
		Shape outline = layout.getOutline(AffineTransform.getTranslateInstance(x, y));
		g.setStroke(new BasicStroke(5, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
		g.setColor(Color.BLACK);
		g.draw(outline);
		g.setColor(Color.WHITE);
		g.fill(outline);
	}

	/**
	 * A caption burned into the video.
	 *
	 * @param start first frame, inclusive
	 * @param end last frame, inclusive
	 * @param text the text
	 */
	public record Caption(int start, int end, String text) {
	}

	/**
	 * What to render.
	 *
	 * @param title video title
	 * @param width frame width
	 * @param height frame height
	 * @param fps frame rate
	 * @param frames number of frames
	 * @param gopSize frames between keyframes
	 * @param crop where captions are drawn
	 * @param fontSize caption font size in pixels
	 * @param captions the captions
	 */
	public record Spec(String title, int width, int height, int fps, int frames, int gopSize, CropBox crop,
			int fontSize, List<Caption> captions) {

		/**
		 * The demo: 24 seconds of 720p at 25 fps with five captions.
		 * @return the demo spec
		 */
		public static Spec demo() {
			return new Spec("CaptionFlow demo", 1280, 720, 25, 600, 50, new CropBox(0, 600, 1280, 100), 44,
					List.of(new Caption(12, 111, "Welcome to CaptionFlow"),
							new Caption(137, 236, "Every save is queued at once"),
							new Caption(262, 361, "Workers read the median frame"),
							new Caption(387, 486, "Results arrive by themselves"),
							new Caption(512, 587, "Thanks for watching")));
		}

		/**
		 * A short video for tests: 4 seconds, two captions.
		 * @return the test spec
		 */
		public static Spec shortClip() {
			return new Spec("Test clip", 1280, 720, 25, 100, 25, new CropBox(0, 600, 1280, 100), 44, List
				.of(new Caption(5, 44, "Median frames read well"), new Caption(55, 94, "Status arrives by itself")));
		}

	}

}
