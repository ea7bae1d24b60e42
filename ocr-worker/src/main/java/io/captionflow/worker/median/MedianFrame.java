package io.captionflow.worker.median;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.captionflow.worker.image.GrayImage;

/**
 * Computes the per-pixel median of equally sized 8-bit frames, equal bit for bit to
 * {@code numpy.median(stack, axis=0).astype(uint8)}: for an even count the two middle
 * values are averaged and rounded down.
 * <p>
 * It finds each pixel's middle value by a bitwise binary search (radix select) run for a
 * block of pixels at once: eight passes over the frames, each counting, per pixel, the
 * values below a candidate; an even count needs one more pass for the upper middle value.
 * Eight pixels share a {@code long} as byte lanes (SIMD within a register), compared and
 * counted with carry-free bit arithmetic in branch-free loops over {@code long} arrays.
 * There is no sorting and no histogram, and a block of 2,048 pixels stays in the L2
 * cache.
 */
public final class MedianFrame {

	/** The most frames one median takes: counts live in 8-bit lanes. */
	public static final int MAX_FRAMES = 255;

	/**
	 * Longs (of eight samples) per block; 49 frames of a block take 100 KB, in the L2
	 * cache.
	 */
	private static final int BLOCK_LONGS = 256;

	private static final int BLOCK_BYTES = BLOCK_LONGS * 8;

	private static final long ONES = 0x0101010101010101L;

	private static final long HIGH = 0x8080808080808080L;

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
		List<byte[]> samples = new ArrayList<>(frames.size());
		for (int i = 0; i < frames.size(); i++) {
			GrayImage frame = frames.get(i);
			if (frame.width() != first.width() || frame.height() != first.height()) {
				throw new IllegalArgumentException("frame " + i + " is " + frame.width() + "x" + frame.height()
						+ ", expected " + first.width() + "x" + first.height());
			}
			samples.add(frame.pixels());
		}
		return new GrayImage(first.width(), first.height(), of8Bit(samples));
	}

	/**
	 * The per-sample median of equally long arrays of unsigned 8-bit samples. Colour
	 * frames with interleaved channels (RGB, BGR, …) get their median per channel, since
	 * each sample position holds one channel of one pixel.
	 * @param frames at least one array, all of one length
	 * @return the median of each sample position
	 */
	public static byte[] of8Bit(List<byte[]> frames) {
		if (frames.isEmpty()) {
			throw new IllegalArgumentException("the median of no frames is undefined");
		}
		int length = frames.get(0).length;
		byte[][] stack = new byte[frames.size()][];
		for (int i = 0; i < stack.length; i++) {
			stack[i] = frames.get(i);
			if (stack[i].length != length) {
				throw new IllegalArgumentException(
						"frame " + i + " has " + stack[i].length + " samples, expected " + length);
			}
		}
		if (stack.length > MAX_FRAMES) {
			throw new IllegalArgumentException(
					"the median takes at most " + MAX_FRAMES + " frames, got " + stack.length);
		}
		byte[] median = new byte[length];
		Block block = new Block(stack.length);
		for (int from = 0; from < length; from += BLOCK_BYTES) {
			block.median(stack, from, Math.min(BLOCK_BYTES, length - from), median);
		}
		return median;
	}

	/**
	 * Scratch space for one block of sample positions: the frames' samples as byte lanes
	 * of longs, and per-lane state of the search.
	 */
	private static final class Block {

		private final long[][] samples;

		private final long[] prefix = new long[BLOCK_LONGS];

		private final long[] candidate = new long[BLOCK_LONGS];

		private final long[] count = new long[BLOCK_LONGS];

		private final long[] above = new long[BLOCK_LONGS];

		Block(int frames) {
			this.samples = new long[frames][BLOCK_LONGS];
		}

		void median(byte[][] stack, int from, int size, byte[] median) {
			int words = (size + 7) >>> 3;
			for (int i = 0; i < stack.length; i++) {
				load(stack[i], from, size, this.samples[i]);
			}
			int n = stack.length;
			selectRank((n - 1) / 2, words);
			long[] result = this.prefix;
			if ((n & 1) == 0) {
				upperMiddleAndAverage(n / 2, words);
			}
			store(result, from, size, median);
		}

		/**
		 * Leaves in {@code prefix} the value of the given rank (0-based, ascending) in
		 * each lane, deciding one bit per pass from the most significant: a candidate bit
		 * stays set when at most {@code rank} samples lie below the candidate.
		 */
		private void selectRank(int rank, int words) {
			long[] prefix = this.prefix;
			long[] candidate = this.candidate;
			long[] count = this.count;
			long ranks = rank * ONES;
			Arrays.fill(prefix, 0, words, 0L);
			for (long bit = HIGH; bit != 0; bit >>>= 1) {
				for (int j = 0; j < words; j++) {
					candidate[j] = prefix[j] | bit;
					count[j] = 0;
				}
				for (long[] frame : this.samples) {
					for (int j = 0; j < words; j++) {
						count[j] += below(frame[j], candidate[j]) >>> 7;
					}
				}
				for (int j = 0; j < words; j++) {
					long tooMany = expand(below(ranks, count[j]));
					prefix[j] = (candidate[j] & ~tooMany) | (prefix[j] & tooMany);
				}
			}
		}

		/**
		 * With the lower middle value in {@code prefix}, finds the upper one (the same
		 * value when more than {@code highRank} samples are at most it, else the smallest
		 * sample above it) and leaves the rounded-down mean of both in {@code prefix}.
		 */
		private void upperMiddleAndAverage(int highRank, int words) {
			long[] low = this.prefix;
			long[] atMost = this.count;
			long[] above = this.above;
			Arrays.fill(atMost, 0, words, 0L);
			Arrays.fill(above, 0, words, -1L);
			for (long[] frame : this.samples) {
				for (int j = 0; j < words; j++) {
					long value = frame[j];
					long greater = below(low[j], value);
					atMost[j] += (greater ^ HIGH) >>> 7;
					long mask = expand(greater);
					long candidate = (value & mask) | ~mask;
					long smaller = expand(below(candidate, above[j]));
					above[j] = (candidate & smaller) | (above[j] & ~smaller);
				}
			}
			long highRanks = highRank * ONES;
			for (int j = 0; j < words; j++) {
				long same = expand(below(highRanks, atMost[j]));
				long high = (low[j] & same) | (above[j] & ~same);
				// per-lane floor((a + b) / 2) without carries between lanes
				low[j] = (low[j] & high) + (((low[j] ^ high) & 0xFEFEFEFEFEFEFEFEL) >>> 1);
			}
		}

	}

	/**
	 * Bit 7 of each byte lane set where the lane of {@code x} is below that of {@code y},
	 * unsigned.
	 */
	private static long below(long x, long y) {
		// bit 7 of each lane of d: the low seven bits of x are at least those of y
		long d = (x | HIGH) - (y & ~HIGH);
		return ((~x & y) | (~(x ^ y) & ~d)) & HIGH;
	}

	/** Turns lanes holding 0x80 into 0xFF, and 0x00 lanes stay 0x00. */
	private static long expand(long highBits) {
		return highBits | (highBits - (highBits >>> 7));
	}

	private static void load(byte[] frame, int from, int size, long[] lanes) {
		int whole = size >>> 3;
		for (int j = 0; j < whole; j++) {
			lanes[j] = (long) LONGS.get(frame, from + (j << 3));
		}
		if ((size & 7) != 0) {
			long tail = 0;
			for (int k = size - 1; k >= (whole << 3); k--) {
				tail = (tail << 8) | (frame[from + k] & 0xFF);
			}
			lanes[whole] = tail;
		}
	}

	private static void store(long[] lanes, int from, int size, byte[] median) {
		int whole = size >>> 3;
		for (int j = 0; j < whole; j++) {
			LONGS.set(median, from + (j << 3), lanes[j]);
		}
		long tail = lanes[whole < lanes.length ? whole : 0];
		for (int k = whole << 3; k < size; k++) {
			median[from + k] = (byte) tail;
			tail >>>= 8;
		}
	}

}
