package io.captionflow.gateway.video;

import io.captionflow.gateway.web.NotFoundException;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * What other modules may ask of the videos: whether one exists, its facts, and a lock on
 * it. The {@code videos} table is this module's; nothing outside it reads the table.
 */
@Component
public class Videos {

	private final VideoCatalog catalog;

	Videos(VideoCatalog catalog) {
		this.catalog = catalog;
	}

	/**
	 * Whether a video is registered.
	 * @param videoId the video
	 * @return true when it is
	 */
	public Mono<Boolean> exists(String videoId) {
		return this.catalog.exists(videoId);
	}

	/**
	 * A video.
	 * @param videoId the video
	 * @return the video, or empty
	 */
	public Mono<Video> find(String videoId) {
		return this.catalog.find(videoId);
	}

	/**
	 * A video, its row locked for the rest of the caller's transaction: edits that lock
	 * their video first never interleave.
	 * @param videoId the video
	 * @return the video, or empty
	 */
	public Mono<Video> lock(String videoId) {
		return this.catalog.lock(videoId);
	}

	/**
	 * The answer to a request that names a video not registered.
	 * @param videoId the video
	 * @return a 404 naming it
	 */
	public static NotFoundException notFound(String videoId) {
		return new NotFoundException("video '" + videoId + "' does not exist");
	}

}
