package io.captionflow.worker.frames;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRangeTests {

	@Test
	void shortRangeUsesEveryFrame() {
		assertThat(new FrameRange(10, 14).sample(64)).containsExactly(10, 11, 12, 13, 14);
	}

	@Test
	void longRangeIsSampledEvenlyIncludingBothEnds() {
		int[] sample = new FrameRange(0, 2999).sample(64);
		assertThat(sample).hasSize(64).startsWith(0).endsWith(2999).isSorted().doesNotHaveDuplicates();
	}

}
