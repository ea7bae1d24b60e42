package io.captionflow.gateway.caption;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Frame ranges: inclusive at both ends, never empty or negative.
 */
class FrameRangeTests {

	@Test
	void aRangeMayBeOneFrameLong() {
		FrameRange range = new FrameRange(7, 7);
		assertThat(range.overlaps(range)).isTrue();
		assertThat(range.contains(range)).isTrue();
	}

	@Test
	void aRangeEndingBeforeItStartsOrStartingBeforeFrameZeroIsABug() {
		assertThatIllegalArgumentException().isThrownBy(() -> new FrameRange(10, 9))
			.withMessage("endFrameIndex 9 is before startFrameIndex 10");
		assertThatIllegalArgumentException().isThrownBy(() -> new FrameRange(-1, 9))
			.withMessage("startFrameIndex -1 is negative");
	}

	@Test
	void rangesOverlapWhenTheyShareAFrameAndNotWhenTheyOnlyTouch() {
		FrameRange range = new FrameRange(10, 19);
		assertThat(range.overlaps(new FrameRange(19, 25))).isTrue();
		assertThat(range.overlaps(new FrameRange(0, 10))).isTrue();
		assertThat(range.overlaps(new FrameRange(20, 25))).isFalse();
		assertThat(range.overlaps(new FrameRange(0, 9))).isFalse();
	}

	@Test
	void aRangeContainsTheRangesItHoldsWhole() {
		FrameRange range = new FrameRange(10, 19);
		assertThat(range.contains(new FrameRange(10, 19))).isTrue();
		assertThat(range.contains(new FrameRange(12, 15))).isTrue();
		assertThat(range.contains(new FrameRange(9, 15))).isFalse();
		assertThat(range.contains(new FrameRange(12, 20))).isFalse();
	}

}
