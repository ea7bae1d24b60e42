package io.captionflow.worker.median;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.captionflow.worker.image.GrayImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class MedianFrameTests {

	@Test
	void oddCountTakesTheMiddleValue() {
		GrayImage median = MedianFrame.of(List.of(image(10, 200), image(250, 0), image(30, 100)));
		assertThat(median.pixels()).containsExactly(30, 100);
	}

	@Test
	void evenCountAveragesTheTwoMiddleValuesRoundingDown() {
		// numpy.median([0, 3, 255, 255]) = 129.0 -> 129; numpy.median([1, 2]) = 1.5 -> 1
		GrayImage median = MedianFrame.of(List.of(image(0, 1), image(3, 2), image(255, 1), image(255, 2)));
		assertThat(median.pixels()[0] & 0xFF).isEqualTo(129);
		assertThat(median.pixels()[1] & 0xFF).isEqualTo(1);
	}

	@Test
	void matchesSortingEveryPixelOnRandomStacks() {
		Random random = new Random(42);
		// 1,037 samples: two whole blocks and a tail that is not a multiple of eight
		int length = 1037;
		for (int n : new int[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 48, 49, 64, 255 }) {
			List<byte[]> frames = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				byte[] samples = new byte[length];
				random.nextBytes(samples);
				frames.add(samples);
			}
			byte[] median = MedianFrame.of8Bit(frames);
			for (int p = 0; p < length; p++) {
				int[] values = new int[n];
				for (int i = 0; i < n; i++) {
					values[i] = frames.get(i)[p] & 0xFF;
				}
				Arrays.sort(values);
				int expected = (values[(n - 1) / 2] + values[n / 2]) / 2;
				assertThat(median[p] & 0xFF).as("sample %d of %d frames", p, n).isEqualTo(expected);
			}
		}
	}

	@Test
	void extremeAndRepeatedValuesStayExact() {
		// ties at 0 and 255 exercise the lane arithmetic's edges
		List<byte[]> frames = List.of(new byte[] { 0, (byte) 255, (byte) 255, 0, 1, (byte) 254, 7, 7, 9 },
				new byte[] { 0, (byte) 255, 0, (byte) 255, (byte) 255, (byte) 255, 7, 7, 9 },
				new byte[] { (byte) 255, (byte) 255, (byte) 255, 0, 0, (byte) 253, 7, 8, 9 },
				new byte[] { (byte) 255, 0, 0, (byte) 255, (byte) 128, (byte) 255, 8, 8, 9 });
		assertThat(MedianFrame.of8Bit(frames)).containsExactly(127, 255, 127, 127, 64, 254, 7, 7, 9);
	}

	@Test
	void refusesMoreFramesThanItCanCount() {
		List<byte[]> frames = new ArrayList<>();
		for (int i = 0; i <= MedianFrame.MAX_FRAMES; i++) {
			frames.add(new byte[8]);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> MedianFrame.of8Bit(frames))
			.withMessageContaining("at most 255 frames");
	}

	@Test
	void refusesFramesOfDifferentSizes() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> MedianFrame.of(List.of(image(1, 2), new GrayImage(1, 1, new byte[1]))))
			.withMessageContaining("expected 2x1");
	}

	private static GrayImage image(int a, int b) {
		return new GrayImage(2, 1, new byte[] { (byte) a, (byte) b });
	}

}
