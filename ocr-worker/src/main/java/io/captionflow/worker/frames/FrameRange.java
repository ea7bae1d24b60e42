package io.captionflow.worker.frames;

/**
 * An inclusive range of 0-based frame indices.
 *
 * @param start first frame
 * @param end last frame, inclusive
 */
public record FrameRange(int start, int end) {

	public FrameRange {
		if (start < 0 || end < start) {
			throw new FrameDecodingException("frame range " + start + ".." + end + " is empty or negative");
		}
		if ((long) end - start + 1 > Integer.MAX_VALUE) {
			// its length would wrap around as an int
			throw new FrameDecodingException("frame range " + start + ".." + end + " is too long");
		}
	}

	/**
	 * The number of frames in the range.
	 * @return frame count
	 */
	public int length() {
		return this.end - this.start + 1;
	}

	/**
	 * At most {@code limit} frame indices spread evenly over the range, always including
	 * its first and last frame.
	 * @param limit the most indices wanted
	 * @return ascending frame indices
	 */
	public int[] sample(int limit) {
		int count = Math.min(length(), limit);
		int[] indices = new int[count];
		if (count == 1) {
			indices[0] = this.start;
			return indices;
		}
		for (int i = 0; i < count; i++) {
			indices[i] = this.start + (int) Math.round((double) i * (length() - 1) / (count - 1));
		}
		return indices;
	}

}
