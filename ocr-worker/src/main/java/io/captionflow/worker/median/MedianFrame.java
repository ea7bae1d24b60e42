package io.captionflow.worker.median;

import java.util.List;

import io.captionflow.worker.image.GrayImage;

/**
 * Computes the per-pixel median of equally sized 8-bit frames, equal bit for bit to
 * {@code numpy.median(stack, axis=0).astype(uint8)}: for an even count the two middle
 * values are averaged and rounded down.
 */
public final class MedianFrame {

	private MedianFrame() {
	}

	/**
	 * The median of the given frames.
	 * @param frames at least one frame, all of one size
	 * @return the median frame
	 */
	public static GrayImage of(List<GrayImage> frames) {
		if (frames.isEmpty()) {
			throw new IllegalArgumentException("the median of no frames is undefined");
		}
		GrayImage first = frames.get(0);
		int n = frames.size();
		int pixelCount = first.pixels().length;
		byte[][] stack = new byte[n][];
		for (int i = 0; i < n; i++) {
			GrayImage frame = frames.get(i);
			if (frame.width() != first.width() || frame.height() != first.height()) {
				throw new IllegalArgumentException("frame " + i + " is " + frame.width() + "x" + frame.height()
						+ ", expected " + first.width() + "x" + first.height());
			}
			stack[i] = frame.pixels();
		}
		byte[] median = new byte[pixelCount];
		// A 256-bin histogram per pixel: linear in n, no sorting, and exact for 8-bit
		// values.
		int[] histogram = new int[256];
		int lowRank = (n - 1) / 2;
		int highRank = n / 2;
		for (int p = 0; p < pixelCount; p++) {
			for (int i = 0; i < n; i++) {
				histogram[stack[i][p] & 0xFF]++;
			}
			int low = -1;
			int high = -1;
			int seen = 0;
			for (int v = 0; v < 256; v++) {
				int count = histogram[v];
				if (count == 0) {
					continue;
				}
				histogram[v] = 0;
				if (low < 0 && seen + count > lowRank) {
					low = v;
				}
				if (high < 0 && seen + count > highRank) {
					high = v;
				}
				seen += count;
			}
			median[p] = (byte) ((low + high) >>> 1);
		}
		return new GrayImage(first.width(), first.height(), median);
	}

}
