package io.captionflow.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.captionflow.worker.median.MedianFrame;

/**
 * The frame stacks the median benchmarks run on, and a main that writes them, with
 * {@link MedianFrame}'s result, for {@code numpy_median.py} to time numpy on the same
 * data and to check the results are identical.
 *
 * @param width frame width
 * @param height frame height
 * @param frames frame count
 */
record MedianStack(int width, int height, int frames) {

	static final MedianStack HD = new MedianStack(1280, 100, 49);

	static final MedianStack FULL_HD = new MedianStack(1920, 120, 49);

	/**
	 * Uniform random samples from a fixed seed: radix select does the same work on any
	 * data, and numpy's introselect is at its typical case on it.
	 */
	List<byte[]> generate() {
		Random random = new Random(20261128L + this.width);
		byte[][] stack = new byte[this.frames][this.width * this.height];
		for (byte[] frame : stack) {
			random.nextBytes(frame);
		}
		return Arrays.asList(stack);
	}

	String name() {
		return this.frames + "x" + this.height + "x" + this.width;
	}

	/**
	 * Writes {@code <frames>x<height>x<width>.stack} (frames one after another) and
	 * {@code .median} (MedianFrame's result) for each benchmark size.
	 * @param args the output folder
	 * @throws IOException when a file cannot be written
	 */
	public static void main(String[] args) throws IOException {
		Path folder = Files.createDirectories(Path.of(args[0]));
		for (MedianStack size : List.of(HD, FULL_HD)) {
			List<byte[]> stack = size.generate();
			byte[] all = new byte[size.frames * size.width * size.height];
			for (int i = 0; i < stack.size(); i++) {
				System.arraycopy(stack.get(i), 0, all, i * stack.get(i).length, stack.get(i).length);
			}
			Files.write(folder.resolve(size.name() + ".stack"), all);
			Files.write(folder.resolve(size.name() + ".median"), MedianFrame.of8Bit(stack));
		}
	}

}
