package io.captionflow.gateway.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.MediaFiles;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.stereotype.Component;

/**
 * Reads a new video's size, frame rate and frame count, off the event loop, and holds
 * them to the limits. Only regular files whose real path lies under the media root are
 * read, and FFmpeg reads them in a child process ({@link MediaProbeProcess}) under the
 * probe timeout: media is untrusted input.
 */
@Component
class VideoProbe {

	private final MediaFiles media;

	private final WorkLimits limits;

	private final MediaProbeProcess process;

	VideoProbe(MediaFiles media, VideoProperties properties) {
		this.media = media;
		this.limits = properties.limits().work();
		this.process = new MediaProbeProcess(properties.limits().probeSize().toBytes(),
				properties.limits().probeTimeout());
	}

	Mono<Facts> probe(String location) {
		return Mono.fromCallable(() -> read(location)).subscribeOn(Schedulers.boundedElastic());
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
		MediaProbeProcess.Facts read;
		try {
			read = this.process.probe(file);
		}
		catch (MediaProbeProcess.ProbeFailedException ex) {
			throw new InvalidRequestException("media", "media '" + location + "' " + ex.getMessage());
		}
		Facts facts = new Facts(read.width(), read.height(), read.fps(), read.frameCount());
		this.limits.checkVideo(facts.width(), facts.height(), facts.fps(), facts.frameCount())
			.ifPresent((violation) -> {
				throw new InvalidRequestException("media", "media '" + location + "' " + violation.message());
			});
		return facts;
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
