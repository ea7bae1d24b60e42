package io.captionflow.gateway.video;

import java.time.Duration;
import java.util.List;

import io.captionflow.events.WorkLimits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Which videos the gateway takes, and how much work each may cause.
 *
 * @param importManifests whether to register, at start-up, every video whose
 * {@code *.video.json} manifest is found under the media root and that is not registered
 * yet
 * @param limits how much work one video or caption may cause, checked before anything is
 * stored or queued
 */
@ConfigurationProperties("captionflow.gateway")
public record VideoProperties(@DefaultValue("true") boolean importManifests, @DefaultValue Limits limits) {
	/**
	 * Bounds on the work one video or one caption may cause. The workers check the same
	 * bounds again on every request they take (configure both alike).
	 *
	 * @param maxWidth widest video frame accepted, in pixels
	 * @param maxHeight tallest video frame accepted, in pixels
	 * @param maxDuration longest video accepted
	 * @param maxFps highest frame rate accepted
	 * @param maxCropPixels largest caption box, in pixels
	 * @param maxCaptionFrames the longest caption, in frames, a save may ask OCR for
	 * @param maxDecodedFrames the most frames a worker decodes for one caption, the
	 * pre-roll from the keyframe included (checked by the workers)
	 * @param medianFrames the most frames in one median (the workers' sample size)
	 * @param maxDecodedBytes the most cropped-frame bytes one caption may hold:
	 * {@code medianFrames x crop pixels}
	 * @param maxLanguages the most Tesseract languages one video may combine
	 * @param languages the OCR languages a video may use; empty means those installed on
	 * this host (TESSDATA_PREFIX and Debian's tesseract-ocr-* folders) and {@code eng},
	 * which the workers carry
	 * @param maxManifestSize the largest {@code *.video.json} manifest imported
	 * @param maxManifestCaptions the most predicted captions one manifest may hold
	 * @param probeTimeout the longest FFmpeg may take to read a new video's facts
	 * @param probeSize the most bytes FFmpeg reads to find a video's streams (as the
	 * workers' {@code decode.probe-size})
	 */
	public record Limits(@DefaultValue("7680") int maxWidth, @DefaultValue("4320") int maxHeight,
			@DefaultValue("12h") Duration maxDuration, @DefaultValue("240") double maxFps,
			@DefaultValue("4194304") long maxCropPixels, @DefaultValue("3000") int maxCaptionFrames,
			@DefaultValue("4000") int maxDecodedFrames, @DefaultValue("64") int medianFrames,
			@DefaultValue("256MB") DataSize maxDecodedBytes, @DefaultValue("4") int maxLanguages,
			@DefaultValue List<String> languages, @DefaultValue("16MB") DataSize maxManifestSize,
			@DefaultValue("100000") int maxManifestCaptions, @DefaultValue("20s") Duration probeTimeout,
			@DefaultValue("5MB") DataSize probeSize) {

		/**
		 * The limits as the checks shared with the workers take them.
		 * @return the work limits
		 */
		public WorkLimits work() {
			return new WorkLimits(this.maxWidth, this.maxHeight, this.maxDuration, this.maxFps, this.maxCropPixels,
					this.maxCaptionFrames, this.maxDecodedFrames, this.medianFrames, this.maxDecodedBytes.toBytes(),
					this.maxLanguages);
		}

	}

}
