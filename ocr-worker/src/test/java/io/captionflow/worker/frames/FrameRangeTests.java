package io.captionflow.worker.frames;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Test
	void aRangeWhoseLengthWouldOverflowIsRefused() {
		assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> new FrameRange(0, Integer.MAX_VALUE))
			.withMessage("frame range 0..2147483647 is too long");
		assertThat(new FrameRange(1, Integer.MAX_VALUE).length()).isEqualTo(Integer.MAX_VALUE);
	}

	@Test
	void samplingTheLongestRangeStaysInsideIt() {
		assertThat(new FrameRange(1, Integer.MAX_VALUE).sample(3)).containsExactly(1, 1_073_741_824, Integer.MAX_VALUE);
	}

}
