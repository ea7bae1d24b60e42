package io.captionflow.gateway.caption;

/**
 * A caption's frames, {@code [start, end]}: both inclusive, 0-based decoded frame
 * numbers. Built only from ranges already checked ({@code WorkLimits.checkRange} for a
 * request or a manifest, the {@code captions_range} constraint for a row), so breaking
 * the invariant here is a bug, not a bad request.
 *
 * @param start first frame
 * @param end last frame, not before {@code start}
 */
record FrameRange(int start, int end) {

	FrameRange {
		if (start < 0) {
			throw new IllegalArgumentException("startFrameIndex " + start + " is negative");
		}
		if (end < start) {
			throw new IllegalArgumentException("endFrameIndex " + end + " is before startFrameIndex " + start);
		}
	}

	/**
	 * Whether the two ranges share a frame; ranges that only touch (one ends on the frame
	 * before the other starts) do not.
	 * @param other the other range
	 * @return true when some frame lies in both
	 */
	boolean overlaps(FrameRange other) {
		return this.start <= other.end && this.end >= other.start;
	}

	/**
	 * Whether every frame of the other range lies in this one.
	 * @param other the other range
	 * @return true when this range holds it whole
	 */
	boolean contains(FrameRange other) {
		return this.start <= other.start && this.end >= other.end;
	}

}
