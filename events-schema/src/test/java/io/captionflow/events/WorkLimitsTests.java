package io.captionflow.events;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WorkLimitsTests {

	private final WorkLimits limits = WorkLimits.DEFAULTS;

	@Test
	void aBoxWhoseRightEdgeOverflowsIntDoesNotFit() {
		CropBox crop = new CropBox(100, 0, Integer.MAX_VALUE - 50, 10);
		assertThat(crop.fitsWithin(1920, 1080)).isFalse();
		assertThat(this.limits.checkCrop(crop, 1920, 1080)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("does not fit the 1920x1080 video");
	}

	@Test
	void aBoxTooLargeForTheMedianIsRefusedNamingTheLimit() {
		WorkLimits small = new WorkLimits(7680, 4320, Duration.ofHours(1), 120, 10_000_000, 3000, 4000, 64, 1_000_000,
				4);
		assertThat(small.checkCrop(new CropBox(0, 0, 1920, 200), 1920, 1080)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("24576000 bytes", "the limit is 1000000");
	}

	@Test
	void theDemoSizedBoxIsAccepted() {
		assertThat(this.limits.checkCrop(new CropBox(0, 880, 1920, 200), 1920, 1080)).isEmpty();
		assertThat(this.limits.checkCrop(new CropBox(0, 0, 3840, 1080), 3840, 2160)).isEmpty();
	}

	@Test
	void rangesAreCheckedWithoutOverflow() {
		assertThat(this.limits.checkRange(0, Integer.MAX_VALUE, Integer.MAX_VALUE)).get()
			.extracting(WorkLimits.Violation::field)
			.isEqualTo("endFrameIndex");
		assertThat(this.limits.checkRange(-1, 5, 100)).get()
			.extracting(WorkLimits.Violation::field)
			.isEqualTo("startFrameIndex");
		assertThat(this.limits.checkRange(10, 9, 100)).isPresent();
		assertThat(this.limits.checkRange(90, 100, 100)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("beyond the last frame");
		assertThat(this.limits.checkRange(0, 2999, 5000)).isEmpty();
		assertThat(this.limits.checkRange(0, 3000, 5000)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("at most 3000");
	}

	@Test
	void videosAreBoundedInSizeRateAndLength() {
		assertThat(this.limits.checkVideo(1920, 1080, 25, 25 * 60)).isEmpty();
		assertThat(this.limits.checkVideo(16384, 16384, 25, 100)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("7680x4320");
		assertThat(this.limits.checkVideo(1920, 1080, Double.NaN, 100)).isPresent();
		assertThat(this.limits.checkVideo(1920, 1080, 0.0001, 100)).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("longest video");
		assertThat(this.limits.checkVideo(1920, 1080, 25, 0)).isPresent();
	}

	@Test
	void languagesAreDistinctWellFormedAndFew() {
		assertThat(this.limits.checkLanguage("eng")).isEmpty();
		assertThat(this.limits.checkLanguage("eng+chi_sim")).isEmpty();
		assertThat(this.limits.checkLanguage("eng+eng")).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("twice");
		assertThat(this.limits.checkLanguage("eng+deu+fra+ita+spa")).get()
			.extracting(WorkLimits.Violation::message)
			.asString()
			.contains("at most 4");
		assertThat(this.limits.checkLanguage("../etc/passwd")).isPresent();
		assertThat(this.limits.checkLanguage("eng+")).isPresent();
	}

	@Test
	void inconsistentLimitsAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new WorkLimits(1920, 1080, Duration.ofHours(1), 60, 100, 3000, 100, 64, 100, 4));
	}

}
