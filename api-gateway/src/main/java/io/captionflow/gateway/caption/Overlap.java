package io.captionflow.gateway.caption;

/**
 * What becomes of a neighbour when a caption's range is saved over it. The saved range
 * wins, as annotators expect: a neighbour inside it is deleted, one containing it is
 * split in two around it, one overlapping one end of it is trimmed to the frames outside
 * it, and one that does not share a frame with it (touching it included) is left alone.
 */
sealed interface Overlap {

	/**
	 * Decides what the saved range leaves of a neighbour.
	 * @param saved the range just saved
	 * @param neighbour another caption's range in the same video
	 * @return the outcome
	 */
	static Overlap of(FrameRange saved, FrameRange neighbour) {
		if (!saved.overlaps(neighbour)) {
			return new Untouched();
		}
		if (saved.contains(neighbour)) {
			return new Covered();
		}
		if (neighbour.start() < saved.start() && neighbour.end() > saved.end()) {
			return new Split(new FrameRange(neighbour.start(), saved.start() - 1),
					new FrameRange(saved.end() + 1, neighbour.end()));
		}
		return new Trimmed((neighbour.start() < saved.start()) ? new FrameRange(neighbour.start(), saved.start() - 1)
				: new FrameRange(saved.end() + 1, neighbour.end()));
	}

	/** The neighbour shares no frame with the saved range and keeps its own. */
	record Untouched() implements Overlap {
	}

	/** The neighbour lies inside the saved range: it is deleted. */
	record Covered() implements Overlap {
	}

	/**
	 * The neighbour contains the saved range: it keeps the frames before it, and a new
	 * caption like it takes the frames after it.
	 *
	 * @param left what the neighbour keeps
	 * @param right the new caption's range
	 */
	record Split(FrameRange left, FrameRange right) implements Overlap {
	}

	/**
	 * The neighbour overlaps one end of the saved range: it keeps the frames outside it.
	 *
	 * @param rest what the neighbour keeps
	 */
	record Trimmed(FrameRange rest) implements Overlap {
	}

}
