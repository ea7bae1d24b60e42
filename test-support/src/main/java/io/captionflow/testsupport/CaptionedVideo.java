package io.captionflow.testsupport;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.events.CropBox;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Renders a 1080p H.264 video of burned-in captions over a moving, high-contrast
 * background drawn in Java: a Mandelbrot zoom, the Game of Life, a scrolling cellular
 * automaton, or scrolling bars and checks. (FFmpeg's own generators need the lavfi
 * device, whose library needs PulseAudio's client library; drawing them here needs
 * nothing.)
 */
public final class CaptionedVideo {

	public static final int WIDTH = 1920;

	public static final int HEIGHT = 1080;

	public static final int FPS = 25;

	/** Where captions are drawn, and what the worker is asked to read. */
	public static final CropBox CROP = new CropBox(0, 860, 1920, 200);

	/** Wider captions are wrapped in two lines. */
	public static final int MAX_LINE_WIDTH = 1600;

	private CaptionedVideo() {
	}

	/**
	 * A moving background.
	 */
	public enum Background {

		/** Zooming into the Mandelbrot set: colourful, detailed, always moving. */
		MANDELBROT,

		/**
		 * The Game of Life on 8 px cells: cells born and dying everywhere, every frame.
		 */
		LIFE,

		/** Rule 110 on 8 px cells, scrolling up a row a frame. */
		CELLULAR,

		/** Bright and dark bars and coloured checks scrolling under the captions. */
		SCROLLING

	}

	/**
	 * How a caption is drawn.
	 *
	 * @param font the font family
	 * @param size the font size in pixels
	 * @param fill the text colour
	 * @param outline whether the text has a dark outline
	 * @param box whether the text sits on a translucent dark box
	 * @param bold whether the font is bold
	 */
	public record Style(String font, int size, Color fill, boolean outline, boolean box, boolean bold) {

		/**
		 * A bold style.
		 * @param font the font family
		 * @param size the font size in pixels
		 * @param fill the text colour
		 * @param outline whether the text has a dark outline
		 * @param box whether the text sits on a translucent dark box
		 */
		public Style(String font, int size, Color fill, boolean outline, boolean box) {
			this(font, size, fill, outline, box, true);
		}

	}

	/**
	 * A caption on screen.
	 *
	 * @param start first frame, inclusive
	 * @param end last frame, inclusive
	 * @param text the text
	 * @param style how it is drawn
	 */
	public record Caption(int start, int end, String text, Style style) {
	}

	/**
	 * Renders a video.
	 * @param file where to write it
	 * @param background what moves behind the captions
	 * @param frames how many frames
	 * @param captions the captions
	 * @throws IOException when it cannot be written
	 */
	public static void render(Path file, Background background, int frames, List<Caption> captions) throws IOException {
		try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), WIDTH, HEIGHT, 0);
				Java2DFrameConverter toFrame = new Java2DFrameConverter()) {
			recorder.setFormat("mp4");
			recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
			recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
			recorder.setFrameRate(FPS);
			recorder.setGopSize(2 * FPS);
			recorder.setVideoBitrate(8_000_000);
			recorder.start();
			Painter painter = switch (background) {
				case MANDELBROT -> new Mandelbrot();
				case LIFE -> new Life(false);
				case CELLULAR -> new Life(true);
				case SCROLLING -> CaptionedVideo::drawScrolling;
			};
			BufferedImage canvas = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
			for (int frame = 0; frame < frames; frame++) {
				Graphics2D g = canvas.createGraphics();
				try {
					painter.paint(g, frame);
					g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
					g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
					for (Caption caption : captions) {
						if (frame >= caption.start() && frame <= caption.end()) {
							drawCaption(g, caption);
						}
					}
				}
				finally {
					g.dispose();
				}
				recorder.record(toFrame.convert(canvas));
			}
			recorder.stop();
		}
		catch (FrameRecorder.Exception ex) {
			throw new IOException("cannot render " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** Draws a background frame. */
	private interface Painter {

		void paint(Graphics2D g, int frame);

	}

	/**
	 * A zoom into the Mandelbrot set, computed at a quarter of the size and scaled up.
	 */
	private static final class Mandelbrot implements Painter {

		private final BufferedImage small = new BufferedImage(WIDTH / 4, HEIGHT / 4, BufferedImage.TYPE_INT_RGB);

		@Override
		public void paint(Graphics2D g, int frame) {
			double scale = 3.0 * Math.pow(0.985, frame) / this.small.getWidth();
			double centreX = -0.743643887037151;
			double centreY = 0.131825904205330;
			for (int py = 0; py < this.small.getHeight(); py++) {
				for (int px = 0; px < this.small.getWidth(); px++) {
					double cx = centreX + (px - this.small.getWidth() / 2.0) * scale;
					double cy = centreY + (py - this.small.getHeight() / 2.0) * scale;
					double x = 0;
					double y = 0;
					int n = 0;
					while (n < 96 && x * x + y * y < 4) {
						double t = x * x - y * y + cx;
						y = 2 * x * y + cy;
						x = t;
						n++;
					}
					int rgb = (n == 96) ? 0
							: Color.HSBtoRGB((n * 7 + frame) % 64 / 64f, 0.9f, (n % 2 == 0) ? 1f : 0.35f);
					this.small.setRGB(px, py, rgb);
				}
			}
			g.drawImage(this.small, 0, 0, WIDTH, HEIGHT, null);
		}

	}

	/**
	 * The Game of Life, or with {@code cellular} rule 110 growing a row a frame from the
	 * bottom and scrolling up, on 8 px cells.
	 */
	private static final class Life implements Painter {

		private static final int CELL = 8;

		private final boolean cellular;

		private boolean[][] cells = new boolean[HEIGHT / CELL][WIDTH / CELL];

		Life(boolean cellular) {
			this.cellular = cellular;
			java.util.Random random = new java.util.Random(42);
			for (boolean[] row : this.cells) {
				for (int x = 0; x < row.length; x++) {
					row[x] = random.nextInt(100) < 40;
				}
			}
		}

		@Override
		public void paint(Graphics2D g, int frame) {
			g.setColor(new Color(24, 24, 24));
			g.fillRect(0, 0, WIDTH, HEIGHT);
			g.setColor(new Color(230, 230, 220));
			for (int y = 0; y < this.cells.length; y++) {
				for (int x = 0; x < this.cells[y].length; x++) {
					if (this.cells[y][x]) {
						g.fillRect(x * CELL, y * CELL, CELL - 1, CELL - 1);
					}
				}
			}
			this.cells = this.cellular ? rule110(this.cells) : life(this.cells);
		}

		private static boolean[][] life(boolean[][] cells) {
			int h = cells.length;
			int w = cells[0].length;
			boolean[][] next = new boolean[h][w];
			for (int y = 0; y < h; y++) {
				for (int x = 0; x < w; x++) {
					int around = 0;
					for (int dy = -1; dy <= 1; dy++) {
						for (int dx = -1; dx <= 1; dx++) {
							if ((dx != 0 || dy != 0) && cells[(y + dy + h) % h][(x + dx + w) % w]) {
								around++;
							}
						}
					}
					next[y][x] = (around == 3) || (cells[y][x] && around == 2);
				}
			}
			return next;
		}

		private static boolean[][] rule110(boolean[][] cells) {
			int h = cells.length;
			int w = cells[0].length;
			boolean[][] next = new boolean[h][];
			System.arraycopy(cells, 1, next, 0, h - 1);
			boolean[] last = cells[h - 1];
			boolean[] row = new boolean[w];
			for (int x = 0; x < w; x++) {
				int pattern = (last[(x - 1 + w) % w] ? 4 : 0) | (last[x] ? 2 : 0) | (last[(x + 1) % w] ? 1 : 0);
				row[x] = ((110 >> pattern) & 1) == 1;
			}
			next[h - 1] = row;
			return next;
		}

	}

	private static void drawScrolling(Graphics2D g, int frame) {
		g.setColor(new Color(20, 20, 28));
		g.fillRect(0, 0, WIDTH, HEIGHT);
		int period = 64;
		int offset = (frame * 9) % period;
		g.setStroke(new BasicStroke(22));
		g.setColor(new Color(235, 235, 220));
		for (int x = -HEIGHT - period; x < WIDTH + period; x += period) {
			g.drawLine(x + offset, HEIGHT, x + offset + HEIGHT, 0);
		}
		int cell = 40;
		int shift = (frame * 5) % (2 * cell);
		for (int y = 0; y < HEIGHT; y += cell) {
			for (int x = -2 * cell; x < WIDTH; x += cell) {
				if (((x / cell) + (y / cell)) % 3 == 0) {
					g.setColor(((x + y) / cell) % 2 == 0 ? new Color(250, 220, 60) : new Color(30, 90, 200));
					g.fillRect(x + shift, y, cell - 6, cell - 6);
				}
			}
		}
	}

	private static void drawCaption(Graphics2D g, Caption caption) {
		Style style = caption.style();
		List<Shape> lines = outlines(caption, g.getFontRenderContext());
		if (style.box()) {
			Rectangle2D bounds = union(lines);
			Graphics2D box = (Graphics2D) g.create();
			box.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.6f));
			box.setColor(Color.BLACK);
			box.fill(new Rectangle2D.Double(bounds.getX() - 16, bounds.getY() - 10, bounds.getWidth() + 32,
					bounds.getHeight() + 20));
			box.dispose();
		}
		for (Shape outline : lines) {
			if (style.outline()) {
				g.setStroke(new BasicStroke(Math.max(3, style.size() / 10f), BasicStroke.CAP_ROUND,
						BasicStroke.JOIN_ROUND));
				g.setColor(Color.BLACK);
				g.draw(outline);
			}
			g.setColor(style.fill());
			g.fill(outline);
		}
	}

	/**
	 * Where a caption's glyphs are drawn, relative to the caption box (without outline).
	 * @param caption the caption
	 * @return the bounds of its glyphs
	 */
	public static Rectangle textBounds(Caption caption) {
		Rectangle2D bounds = union(outlines(caption, new FontRenderContext(null, true, false)));
		return new Rectangle((int) Math.floor(bounds.getX()) - CROP.x(), (int) Math.floor(bounds.getY()) - CROP.y(),
				(int) Math.ceil(bounds.getWidth()) + 1, (int) Math.ceil(bounds.getHeight()) + 1);
	}

	/**
	 * The outline of each line of a caption, centred in the caption box. A caption wider
	 * than {@value #MAX_LINE_WIDTH} px is wrapped at the space nearest its middle, as
	 * subtitle renderers do; a newline in the text starts a line too.
	 */
	private static List<Shape> outlines(Caption caption, FontRenderContext context) {
		Font font = new Font(caption.style().font(), caption.style().bold() ? Font.BOLD : Font.PLAIN,
				caption.style().size());
		List<String> texts = new ArrayList<>(List.of(caption.text().split("\n")));
		if (texts.size() == 1 && new TextLayout(texts.get(0), font, context).getAdvance() > MAX_LINE_WIDTH) {
			String text = texts.get(0);
			int middle = text.length() / 2;
			int split = middle;
			for (int d = 0; d < middle; d++) {
				if (text.charAt(middle - d) == ' ') {
					split = middle - d;
					break;
				}
				if (text.charAt(middle + d) == ' ') {
					split = middle + d;
					break;
				}
			}
			texts = List.of(text.substring(0, split), text.substring(split + 1));
		}
		float lineGap = caption.style().size() * 1.2f;
		List<TextLayout> layouts = texts.stream().map((text) -> new TextLayout(text, font, context)).toList();
		TextLayout first = layouts.get(0);
		float blockHeight = first.getAscent() + first.getDescent() + lineGap * (layouts.size() - 1);
		float baseline = CROP.y() + (CROP.height() - blockHeight) / 2 + first.getAscent();
		List<Shape> outlines = new ArrayList<>();
		for (TextLayout layout : layouts) {
			float x = CROP.x() + (CROP.width() - layout.getAdvance()) / 2;
			outlines.add(layout.getOutline(AffineTransform.getTranslateInstance(x, baseline)));
			baseline += lineGap;
		}
		return outlines;
	}

	private static Rectangle2D union(List<Shape> shapes) {
		Rectangle2D bounds = shapes.get(0).getBounds2D();
		for (Shape shape : shapes) {
			bounds = bounds.createUnion(shape.getBounds2D());
		}
		return bounds;
	}

}
