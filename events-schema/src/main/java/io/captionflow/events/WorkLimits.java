package io.captionflow.events;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How much work one video or one OCR request may cause, checked before anything is
 * allocated: by the gateway when a video is registered, patched or imported and when a
 * caption is saved (a 400 naming the field), and again by the worker on every request it
 * takes off Kafka (an ERROR completion naming the limit), since a request on the topic
 * need not have come through the gateway. Every check is overflow-safe: sizes are
 * compared as {@code long}, never as sums that can wrap.
 *
 * @param maxWidth widest video frame, in pixels
 * @param maxHeight tallest video frame, in pixels
 * @param maxDuration longest video
 * @param maxFps highest frame rate
 * @param maxCropPixels largest caption box, in pixels
 * @param maxCaptionFrames longest caption, in frames
 * @param maxDecodedFrames the most frames one request may decode, the pre-roll from the
 * keyframe before the caption included
 * @param medianFrames the most frames that go into one median; longer captions are
 * sampled evenly
 * @param maxDecodedBytes the most bytes of cropped frames one request may hold:
 * {@code min(caption frames, medianFrames) x crop pixels}
 * @param maxLanguages the most Tesseract languages one video may combine ({@code eng+deu}
 * is two)
 */
public record WorkLimits(int maxWidth, int maxHeight, Duration maxDuration, double maxFps, long maxCropPixels,
		int maxCaptionFrames, int maxDecodedFrames, int medianFrames, long maxDecodedBytes, int maxLanguages) {

	/** The defaults: 8K video of up to 12 hours, captions of up to 3,000 frames. */
	public static final WorkLimits DEFAULTS = new WorkLimits(7680, 4320, Duration.ofHours(12), 240, 4L * 1024 * 1024,
			3000, 4000, 64, 256L * 1024 * 1024, 4);

	/**
	 * A Tesseract language name such as {@code eng}, {@code chi_sim} or {@code deu_latf}.
	 */
	public static final Pattern LANGUAGE = Pattern.compile("[a-z]{3}(_[a-z]{3,4})?(_vert)?");

	/**
	 * The FFmpeg demuxers media is opened with (FFmpeg's {@code format_whitelist}): the
	 * containers cameras, phones, editors and streaming sites write. Anything else, raw
	 * streams and image sequences included, is refused before a byte is parsed.
	 */
	public static final String CONTAINERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts,flv";

	/** The longest media location, in characters. */
	public static final int MAX_MEDIA_LOCATION = 1000;

	public WorkLimits {
		if (maxWidth < 1 || maxHeight < 1 || maxFps <= 0 || maxCropPixels < 1 || maxCaptionFrames < 1
				|| maxDecodedFrames < maxCaptionFrames || medianFrames < 1 || maxDecodedBytes < 1 || maxLanguages < 1
				|| maxDuration == null || maxDuration.isNegative() || maxDuration.isZero()) {
			throw new IllegalArgumentException("work limits must be positive, and max-decoded-frames at least "
					+ "max-caption-frames: " + maxWidth + "x" + maxHeight + ", " + maxDuration + ", " + maxFps
					+ " fps, crop " + maxCropPixels + ", caption " + maxCaptionFrames + ", decoded " + maxDecodedFrames
					+ ", median " + medianFrames + ", bytes " + maxDecodedBytes + ", languages " + maxLanguages);
		}
	}

	/**
	 * Checks what a container says of a video.
	 * @param width frame width
	 * @param height frame height
	 * @param fps frames per second
	 * @param frameCount number of frames
	 * @return the limit broken, if any
	 */
	public Optional<Violation> checkVideo(int width, int height, double fps, long frameCount) {
		if (width < 1 || height < 1) {
			return violation("media", "has no picture (" + width + "x" + height + ")");
		}
		if (width > this.maxWidth || height > this.maxHeight) {
			return violation("media", "is " + width + "x" + height + "; the largest video accepted is " + this.maxWidth
					+ "x" + this.maxHeight);
		}
		if (!(fps > 0) || !Double.isFinite(fps) || fps > this.maxFps) {
			return violation("media", "has a frame rate of " + fps + "; it must be above 0 and at most " + this.maxFps);
		}
		if (frameCount < 1) {
			return violation("media", "has no frames");
		}
		double seconds = frameCount / fps;
		if (seconds > this.maxDuration.toSeconds()) {
			return violation("media", "is " + Math.round(seconds) + " s long; the longest video accepted is "
					+ this.maxDuration.toSeconds() + " s");
		}
		return Optional.empty();
	}

	/**
	 * Checks a caption box against a frame and against the crop and memory limits.
	 * @param crop the box
	 * @param frameWidth frame width
	 * @param frameHeight frame height
	 * @return the limit broken, if any
	 */
	public Optional<Violation> checkCrop(CropBox crop, int frameWidth, int frameHeight) {
		if (!crop.fitsWithin(frameWidth, frameHeight)) {
			return violation("crop",
					"crop box " + crop.describe() + " does not fit the " + frameWidth + "x" + frameHeight + " video");
		}
		if (crop.area() > this.maxCropPixels) {
			return violation("crop", "crop box " + crop.describe() + " has " + crop.area()
					+ " pixels; the largest accepted has " + this.maxCropPixels);
		}
		// a short caption holds fewer frames, but the box is the video's, for every
		// caption
		long bytes = saturatedProduct(this.medianFrames, crop.area());
		if (bytes > this.maxDecodedBytes) {
			return violation("crop", "crop box " + crop.describe() + " would hold " + bytes + " bytes of frames for a "
					+ this.medianFrames + "-frame median; the limit is " + this.maxDecodedBytes);
		}
		return Optional.empty();
	}

	/**
	 * Checks a caption's frame range against the video and the caption length limit.
	 * @param start first frame, inclusive
	 * @param end last frame, inclusive
	 * @param frameCount frames in the video
	 * @return the limit broken, if any
	 */
	public Optional<Violation> checkRange(long start, long end, long frameCount) {
		if (start < 0) {
			return violation("startFrameIndex", "startFrameIndex " + start + " is negative");
		}
		if (end < start) {
			return violation("endFrameIndex", "endFrameIndex " + end + " is before startFrameIndex " + start);
		}
		long length = end - start + 1;
		if (length > this.maxCaptionFrames) {
			return violation("endFrameIndex", "the range " + start + ".." + end + " is " + length
					+ " frames long; a caption may span at most " + this.maxCaptionFrames);
		}
		if (end >= frameCount) {
			return violation("endFrameIndex",
					"endFrameIndex " + end + " is beyond the last frame of the video (" + (frameCount - 1) + ")");
		}
		return Optional.empty();
	}

	/**
	 * Checks the form of a language setting: known-looking names joined by {@code +}, no
	 * duplicates, at most {@code maxLanguages} of them. Whether each is installed is for
	 * the caller to check.
	 * @param language such as {@code eng}, {@code chi_sim} or {@code eng+deu}
	 * @return the limit broken, if any
	 */
	public Optional<Violation> checkLanguage(@Nullable String language) {
		if (language == null || language.isEmpty() || language.length() > 64) {
			return violation("language",
					"must be 1 to 64 characters of Tesseract language codes such as eng, " + "chi_sim or eng+deu");
		}
		String[] parts = language.split("\\+", -1);
		if (parts.length > this.maxLanguages) {
			return violation("language",
					"combines " + parts.length + " languages; at most " + this.maxLanguages + " are allowed");
		}
		Set<String> seen = new HashSet<>();
		for (String part : parts) {
			if (!LANGUAGE.matcher(part).matches()) {
				return violation("language", "must be Tesseract language codes such as eng, chi_sim or eng+deu");
			}
			if (!seen.add(part)) {
				return violation("language", "names '" + part + "' twice");
			}
		}
		return Optional.empty();
	}

	private static long saturatedProduct(long a, long b) {
		try {
			return Math.multiplyExact(a, b);
		}
		catch (ArithmeticException ex) {
			return Long.MAX_VALUE;
		}
	}

	private static Optional<Violation> violation(String field, String message) {
		return Optional.of(new Violation(field, message));
	}

	/**
	 * A limit broken.
	 *
	 * @param field the request field at fault
	 * @param message what is wrong, naming the limit
	 */
	public record Violation(String field, String message) {
	}

}
