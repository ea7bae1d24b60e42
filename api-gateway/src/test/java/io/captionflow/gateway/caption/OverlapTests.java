package io.captionflow.gateway.caption;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a saved range leaves of a neighbour: the saved range wins.
 */
class OverlapTests {

	private static final FrameRange SAVED = new FrameRange(20, 29);

	@Test
	void aNeighbourInsideTheSavedRangeIsCovered() {
		assertThat(Overlap.of(SAVED, new FrameRange(22, 25))).isEqualTo(new Overlap.Covered());
		assertThat(Overlap.of(SAVED, new FrameRange(20, 29))).as("the same range").isEqualTo(new Overlap.Covered());
		assertThat(Overlap.of(SAVED, new FrameRange(20, 20))).as("on its first frame").isEqualTo(new Overlap.Covered());
		assertThat(Overlap.of(SAVED, new FrameRange(29, 29))).as("on its last frame").isEqualTo(new Overlap.Covered());
	}

	@Test
	void aNeighbourContainingTheSavedRangeIsSplitAroundIt() {
		assertThat(Overlap.of(SAVED, new FrameRange(10, 40)))
			.isEqualTo(new Overlap.Split(new FrameRange(10, 19), new FrameRange(30, 40)));
		assertThat(Overlap.of(SAVED, new FrameRange(19, 30))).as("one frame either side")
			.isEqualTo(new Overlap.Split(new FrameRange(19, 19), new FrameRange(30, 30)));
	}

	@Test
	void aNeighbourOverlappingTheStartKeepsTheFramesBeforeIt() {
		assertThat(Overlap.of(SAVED, new FrameRange(10, 25))).isEqualTo(new Overlap.Trimmed(new FrameRange(10, 19)));
		assertThat(Overlap.of(SAVED, new FrameRange(10, 20))).as("sharing one frame")
			.isEqualTo(new Overlap.Trimmed(new FrameRange(10, 19)));
		assertThat(Overlap.of(SAVED, new FrameRange(10, 29))).as("ending with it")
			.isEqualTo(new Overlap.Trimmed(new FrameRange(10, 19)));
	}

	@Test
	void aNeighbourOverlappingTheEndKeepsTheFramesAfterIt() {
		assertThat(Overlap.of(SAVED, new FrameRange(25, 40))).isEqualTo(new Overlap.Trimmed(new FrameRange(30, 40)));
		assertThat(Overlap.of(SAVED, new FrameRange(29, 40))).as("sharing one frame")
			.isEqualTo(new Overlap.Trimmed(new FrameRange(30, 40)));
		assertThat(Overlap.of(SAVED, new FrameRange(20, 40))).as("starting with it")
			.isEqualTo(new Overlap.Trimmed(new FrameRange(30, 40)));
	}

	@Test
	void aNeighbourTouchingTheSavedRangeIsLeftAlone() {
		assertThat(Overlap.of(SAVED, new FrameRange(10, 19))).isEqualTo(new Overlap.Untouched());
		assertThat(Overlap.of(SAVED, new FrameRange(30, 40))).isEqualTo(new Overlap.Untouched());
	}

	@Test
	void aNeighbourSharingNoFrameIsLeftAlone() {
		assertThat(Overlap.of(SAVED, new FrameRange(0, 9))).isEqualTo(new Overlap.Untouched());
		assertThat(Overlap.of(SAVED, new FrameRange(50, 59))).isEqualTo(new Overlap.Untouched());
	}

	@Test
	void aSavedRangeOfOneFrameSplitsTheNeighbourItFallsIn() {
		assertThat(Overlap.of(new FrameRange(5, 5), new FrameRange(0, 9)))
			.isEqualTo(new Overlap.Split(new FrameRange(0, 4), new FrameRange(6, 9)));
		assertThat(Overlap.of(new FrameRange(0, 0), new FrameRange(0, 9))).as("at the video's first frame")
			.isEqualTo(new Overlap.Trimmed(new FrameRange(1, 9)));
	}

}
