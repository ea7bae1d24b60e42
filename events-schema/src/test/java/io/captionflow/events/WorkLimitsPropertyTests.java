package io.captionflow.events;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Positive;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The geometry checks hold for every int, the values where {@code x + width} wraps around
 * included: a box fits exactly when it fits in exact arithmetic.
 */
class WorkLimitsPropertyTests {

	private final WorkLimits limits = WorkLimits.DEFAULTS;

	@Property(tries = 5000)
	void aBoxFitsExactlyWhenItFitsInExactArithmetic(@ForAll @IntRange(min = 0) int x, @ForAll @IntRange(min = 0) int y,
			@ForAll @Positive int width, @ForAll @Positive int height, @ForAll @Positive int frameWidth,
			@ForAll @Positive int frameHeight) {
		CropBox crop = new CropBox(x, y, width, height);
		boolean exact = (long) x + width <= frameWidth && (long) y + height <= frameHeight;
		assertThat(crop.fitsWithin(frameWidth, frameHeight)).isEqualTo(exact);
	}

	@Property(tries = 5000)
	void anAcceptedBoxLiesInsideTheFrameAndWithinTheMemoryLimit(@ForAll @IntRange(min = 0) int x,
			@ForAll @IntRange(min = 0) int y, @ForAll @Positive int width, @ForAll @Positive int height,
			@ForAll @IntRange(min = 1, max = 7680) int frameWidth,
			@ForAll @IntRange(min = 1, max = 4320) int frameHeight) {
		CropBox crop = new CropBox(x, y, width, height);
		if (this.limits.checkCrop(crop, frameWidth, frameHeight).isEmpty()) {
			assertThat((long) x + width).isLessThanOrEqualTo(frameWidth);
			assertThat((long) y + height).isLessThanOrEqualTo(frameHeight);
			assertThat(crop.area()).isLessThanOrEqualTo(this.limits.maxCropPixels());
			assertThat(crop.area() * this.limits.medianFrames()).isLessThanOrEqualTo(this.limits.maxDecodedBytes());
		}
		else {
			assertThat(this.limits.checkCrop(crop, frameWidth, frameHeight).get().field()).isEqualTo("crop");
		}
	}

	@Property(tries = 5000)
	void anAcceptedRangeLiesInsideTheVideoAndWithinTheCaptionLimit(@ForAll int start, @ForAll int end,
			@ForAll @Positive int frameCount) {
		if (this.limits.checkRange(start, end, frameCount).isEmpty()) {
			assertThat(start).isNotNegative();
			assertThat(end).isGreaterThanOrEqualTo(start).isLessThan(frameCount);
			assertThat((long) end - start + 1).isLessThanOrEqualTo(this.limits.maxCaptionFrames());
		}
	}

	@Property(tries = 2000)
	void anAcceptedLanguageHasDistinctWellFormedParts(@ForAll String language) {
		if (this.limits.checkLanguage(language).isEmpty()) {
			String[] parts = language.split("\\+", -1);
			assertThat(parts).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(this.limits.maxLanguages());
			assertThat(parts).allMatch((part) -> WorkLimits.LANGUAGE.matcher(part).matches());
		}
	}

}
