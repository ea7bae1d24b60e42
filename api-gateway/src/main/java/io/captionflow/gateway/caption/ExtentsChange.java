package io.captionflow.gateway.caption;

import org.jspecify.annotations.Nullable;

/**
 * New extents of a caption.
 *
 * @param range the frames
 * @param state the annotator's judgement, or null to keep the caption's
 * @param pending whether the extents await review
 */
record ExtentsChange(FrameRange range, @Nullable ExtentsState state, boolean pending) {

	/**
	 * Extents an annotator saved: theirs, so not pending review.
	 * @param range the frames
	 * @param state the annotator's judgement
	 * @return the change
	 */
	static ExtentsChange saved(FrameRange range, ExtentsState state) {
		return new ExtentsChange(range, state, false);
	}

	/**
	 * Extents a neighbour's save changed: they keep their state and await review.
	 * @param range what the neighbour's save left
	 * @return the change
	 */
	static ExtentsChange leftByNeighbour(FrameRange range) {
		return new ExtentsChange(range, null, true);
	}

}
