package io.captionflow.gateway.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.InvalidRequestException;
import io.captionflow.gateway.MediaFiles;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Reads a video's size, frame rate and frame count with FFmpeg, off the event loop, and
 * holds them to the limits. Only regular files whose real path lies under the media root
 * are opened, only as files ({@code protocol_whitelist=file}), only in the containers of
 * {@link WorkLimits#CONTAINERS}, reading at most {@code probe-size} bytes, and an answer
 * comes within {@code probe-timeout}.
 */
@Component
class VideoProbe {

	static {
		avutil.av_log_set_level(avutil.AV_LOG_ERROR);
	}

	/** Stream time FFmpeg may read to find the streams: 10 s, twice its default. */
	private static final String ANALYZE_MICROS = "10000000";

	private final MediaFiles media;

	private final GatewayProperties.Limits limits;

	VideoProbe(MediaFiles media, GatewayProperties properties) {
		this.media = media;
		this.limits = properties.limits();
	}

	Mono<Facts> probe(String location) {
		Duration timeout = this.limits.probeTimeout();
		return Mono.fromCallable(() -> read(location))
			.subscribeOn(Schedulers.boundedElastic())
			.timeout(timeout)
			.onErrorMap(TimeoutException.class, (ex) -> new InvalidRequestException("media",
					"media '" + location + "' could not be read within " + timeout.toSeconds() + " s"));
	}

	private Facts read(String location) {
		Path file = this.media.resolveExisting(location)
			.orElseThrow(() -> new InvalidRequestException("media",
					"media '" + location + "' is not a file under the media root"));
		try {
			if (Files.size(file) == 0) {
				throw new InvalidRequestException("media", "media '" + location + "' is empty");
			}
		}
		catch (IOException ex) {
			throw new InvalidRequestException("media", "media '" + location + "' cannot be read");
		}
		try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
			grabber.setOption("protocol_whitelist", "file");
			grabber.setOption("format_whitelist", WorkLimits.CONTAINERS);
			grabber.setOption("probesize", Long.toString(this.limits.probeSize().toBytes()));
			grabber.setOption("analyzeduration", ANALYZE_MICROS);
			grabber.start();
			int frames = grabber.getLengthInVideoFrames();
			if (frames <= 0 || grabber.getImageWidth() <= 0) {
				throw new InvalidRequestException("media", "media '" + location + "' has no video stream");
			}
			Facts facts = new Facts(grabber.getImageWidth(), grabber.getImageHeight(), grabber.getFrameRate(), frames);
			this.limits.work()
				.checkVideo(facts.width(), facts.height(), facts.fps(), facts.frameCount())
				.ifPresent((violation) -> {
					throw new InvalidRequestException("media", "media '" + location + "' " + violation.message());
				});
			return facts;
		}
		catch (FrameGrabber.Exception ex) {
			throw new InvalidRequestException("media", "media '" + location + "' is not a readable video (containers "
					+ "accepted: " + WorkLimits.CONTAINERS + ")");
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
