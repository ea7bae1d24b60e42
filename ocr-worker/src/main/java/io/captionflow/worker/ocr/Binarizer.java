package io.captionflow.worker.ocr;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import io.captionflow.worker.image.GrayImage;

/**
 * Turns a caption's median frame into what Tesseract reads best: dark text on a white
 * page, cut to the text with a margin, scaled so capitals are about 30 px tall.
 */
final class Binarizer {

	/** Height of the text line after scaling; capitals end up about 30 px tall. */
	private static final int TARGET_LINE_HEIGHT = 44;

	private static final int MARGIN = 12;

	private Binarizer() {
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
	 * Prepares a median frame for OCR: binarise, cut to the text rows, scale, pad.
	 * @param median the median frame of the caption box
	 * @return the page to OCR, or null when it holds no ink
	 */
	static GrayImage prepare(GrayImage median) {
		GrayImage binary = binarize(median);
		int top = -1;
		int bottom = -1;
		int left = Integer.MAX_VALUE;
		int right = -1;
		for (int y = 0; y < binary.height(); y++) {
			for (int x = 0; x < binary.width(); x++) {
				if (binary.at(x, y) == 0) {
					if (top < 0) {
						top = y;
					}
					bottom = y;
					left = Math.min(left, x);
					right = Math.max(right, x);
				}
			}
		}
		if (top < 0) {
			return null;
		}
		int lineHeight = bottom - top + 1;
		double scale = (double) TARGET_LINE_HEIGHT / lineHeight;
		int cutWidth = right - left + 1;
		int width = Math.max(1, (int) Math.round(cutWidth * scale));
		int height = Math.max(1, (int) Math.round(lineHeight * scale));
		BufferedImage scaled = new BufferedImage(width + 2 * MARGIN, height + 2 * MARGIN, BufferedImage.TYPE_BYTE_GRAY);
		var g = scaled.createGraphics();
		try {
			g.setColor(java.awt.Color.WHITE);
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
		return smooth;
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
