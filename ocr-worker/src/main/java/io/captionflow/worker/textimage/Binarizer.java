package io.captionflow.worker.textimage;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import io.captionflow.worker.image.GrayImage;
import org.jspecify.annotations.Nullable;

/**
 * Turns a caption's median frame into what Tesseract reads best: dark text on a white
 * page, cut to the text with a margin, scaled so capitals are about 30 px tall, and says
 * how many lines it holds.
 */
public final class Binarizer {

	/** Height of a text line after scaling; capitals end up about 30 px tall. */
	private static final int TARGET_LINE_HEIGHT = 44;

	private static final int MARGIN = 12;

	private Binarizer() {
	}

	/**
	 * A page ready for OCR.
	 *
	 * @param image black text on white
	 * @param lines how many text lines it holds
	 */
	public record Page(GrayImage image, int lines) {
	}

	/**
	 * Binarises an image: Otsu's threshold, with the minority class taken as text.
	 * @param image a gray image
	 * @return black text on white, or an all-white image when nothing stands out
	 */
	static GrayImage binarize(GrayImage image) {
		int threshold = otsuThreshold(image.pixels());
		byte[] in = image.pixels();
		int above = 0;
		for (byte b : in) {
			if ((b & 0xFF) > threshold) {
				above++;
			}
		}
		boolean brightText = above <= in.length / 2;
		byte[] out = new byte[in.length];
		for (int i = 0; i < in.length; i++) {
			boolean text = ((in[i] & 0xFF) > threshold) == brightText;
			out[i] = (byte) (text ? 0 : 255);
		}
		return new GrayImage(image.width(), image.height(), out);
	}

	/**
	 * Prepares a median frame for OCR: binarise, find the text lines, cut to them, scale
	 * so a line is about {@value #TARGET_LINE_HEIGHT} px tall, pad.
	 * @param median the median frame of the caption box
	 * @return the page, or null when it holds no ink
	 */
	public static @Nullable Page prepare(GrayImage median) {
		GrayImage binary = binarize(median);
		int[] inkPerRow = new int[binary.height()];
		int left = Integer.MAX_VALUE;
		int right = -1;
		for (int y = 0; y < binary.height(); y++) {
			for (int x = 0; x < binary.width(); x++) {
				if (binary.at(x, y) == 0) {
					inkPerRow[y]++;
					left = Math.min(left, x);
					right = Math.max(right, x);
				}
			}
		}
		List<int[]> lines = lines(inkPerRow);
		if (lines.isEmpty()) {
			return null;
		}
		int top = lines.get(0)[0];
		int bottom = lines.get(lines.size() - 1)[1];
		int tallest = lines.stream().mapToInt((line) -> line[1] - line[0] + 1).max().orElse(1);
		double scale = (double) TARGET_LINE_HEIGHT / tallest;
		int width = Math.max(1, (int) Math.round((right - left + 1) * scale));
		int height = Math.max(1, (int) Math.round((bottom - top + 1) * scale));
		BufferedImage scaled = new BufferedImage(width + 2 * MARGIN, height + 2 * MARGIN, BufferedImage.TYPE_BYTE_GRAY);
		Graphics2D g = scaled.createGraphics();
		try {
			g.setColor(Color.WHITE);
			g.fillRect(0, 0, scaled.getWidth(), scaled.getHeight());
			g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
			g.drawImage(binary.toBufferedImage(), MARGIN, MARGIN, MARGIN + width, MARGIN + height, left, top, right + 1,
					bottom + 1, null);
		}
		finally {
			g.dispose();
		}
		GrayImage smooth = GrayImage.of(scaled);
		byte[] pixels = smooth.pixels();
		for (int i = 0; i < pixels.length; i++) {
			pixels[i] = (byte) (((pixels[i] & 0xFF) < 128) ? 0 : 255);
		}
		return new Page(smooth, lines.size());
	}

	/**
	 * Text lines as inclusive row ranges: runs of rows with ink, where a gap of fewer
	 * blank rows than a fifth of the taller neighbour (accents, dots of i and j) does not
	 * split a line, and a run too thin to be text (a stray streak) is dropped.
	 */
	static List<int[]> lines(int[] inkPerRow) {
		List<int[]> runs = new ArrayList<>();
		int start = -1;
		for (int y = 0; y <= inkPerRow.length; y++) {
			boolean ink = y < inkPerRow.length && inkPerRow[y] > 0;
			if (ink && start < 0) {
				start = y;
			}
			else if (!ink && start >= 0) {
				runs.add(new int[] { start, y - 1 });
				start = -1;
			}
		}
		List<int[]> merged = new ArrayList<>();
		for (int[] run : runs) {
			if (!merged.isEmpty()) {
				int[] last = merged.get(merged.size() - 1);
				int gap = run[0] - last[1] - 1;
				int taller = Math.max(last[1] - last[0], run[1] - run[0]) + 1;
				if (gap * 5 < taller) {
					last[1] = run[1];
					continue;
				}
			}
			merged.add(run);
		}
		int tallest = merged.stream().mapToInt((run) -> run[1] - run[0] + 1).max().orElse(0);
		merged.removeIf((run) -> (run[1] - run[0] + 1) * 3 < tallest);
		return merged;
	}

	static int otsuThreshold(byte[] pixels) {
		long[] histogram = new long[256];
		for (byte b : pixels) {
			histogram[b & 0xFF]++;
		}
		long total = pixels.length;
		double sum = 0;
		for (int v = 0; v < 256; v++) {
			sum += (double) v * histogram[v];
		}
		double sumBelow = 0;
		long weightBelow = 0;
		double best = -1;
		int threshold = 127;
		for (int v = 0; v < 256; v++) {
			weightBelow += histogram[v];
			if (weightBelow == 0) {
				continue;
			}
			long weightAbove = total - weightBelow;
			if (weightAbove == 0) {
				break;
			}
			sumBelow += (double) v * histogram[v];
			double meanBelow = sumBelow / weightBelow;
			double meanAbove = (sum - sumBelow) / weightAbove;
			double between = (double) weightBelow * weightAbove * (meanBelow - meanAbove) * (meanBelow - meanAbove);
			if (between > best) {
				best = between;
				threshold = v;
			}
		}
		return threshold;
	}

}
