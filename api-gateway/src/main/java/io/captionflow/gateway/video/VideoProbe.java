package io.captionflow.gateway.video;

import java.nio.file.Files;
import java.nio.file.Path;

import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.InvalidRequestException;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Reads a video's size, frame rate and frame count with FFmpeg, off the event loop. Only
 * files under the media root are read.
 */
@Component
class VideoProbe {

	static {
		avutil.av_log_set_level(avutil.AV_LOG_ERROR);
	}

	private final Path mediaRoot;

	VideoProbe(GatewayProperties properties) {
		this.mediaRoot = properties.mediaRoot().toAbsolutePath().normalize();
	}

	Mono<Facts> probe(String media) {
		return Mono.fromCallable(() -> read(media)).subscribeOn(Schedulers.boundedElastic());
	}

	private Facts read(String media) {
		Path file;
		try {
			file = this.mediaRoot.resolve(media).normalize();
		}
		catch (RuntimeException ex) {
			throw new InvalidRequestException("media", "media '" + media + "' is not a valid path");
		}
		if (Path.of(media).isAbsolute() || !file.startsWith(this.mediaRoot)) {
			throw new InvalidRequestException("media", "media '" + media + "' is outside the media root");
		}
		if (!Files.isRegularFile(file)) {
			throw new InvalidRequestException("media", "media '" + media + "' does not exist under the media root");
		}
		try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
			grabber.start();
			int frames = grabber.getLengthInVideoFrames();
			if (frames <= 0 || grabber.getImageWidth() <= 0) {
				throw new InvalidRequestException("media", "media '" + media + "' has no video stream");
			}
			return new Facts(grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate(), frames);
		}
		catch (FrameGrabber.Exception ex) {
			throw new InvalidRequestException("media", "media '" + media + "' is not a readable video");
		}
	}

	/**
	 * What FFmpeg says of a video.
	 *
	 * @param width frame width
	 * @param height frame height
	 * @param fps frames per second
	 * @param frameCount number of frames
	 */
	record Facts(int width, int height, double fps, int frameCount) {
	}

}
