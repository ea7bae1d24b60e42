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
		for (int n = 1; n <= 12; n++) {
			List<GrayImage> frames = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				byte[] pixels = new byte[64];
				random.nextBytes(pixels);
				frames.add(new GrayImage(8, 8, pixels));
			}
			GrayImage median = MedianFrame.of(frames);
			for (int p = 0; p < 64; p++) {
				int[] values = new int[n];
				for (int i = 0; i < n; i++) {
					values[i] = frames.get(i).pixels()[p] & 0xFF;
				}
				Arrays.sort(values);
				int expected = (values[(n - 1) / 2] + values[n / 2]) / 2;
				assertThat(median.pixels()[p] & 0xFF).as("pixel %d of %d frames", p, n).isEqualTo(expected);
			}
		}
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
