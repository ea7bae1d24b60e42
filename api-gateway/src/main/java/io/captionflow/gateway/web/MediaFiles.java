package io.captionflow.gateway.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

import io.captionflow.events.WorkLimits;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Files under the media root: the videos and the median images the workers write. A
 * location is relative to the root and resolves for real: the file's real path, symbolic
 * links followed, must lie under the root's real path, so a link planted in the root
 * cannot reach outside it. A {@link Resource} body lets WebFlux answer range requests
 * with 206 and the asked-for bytes, so a player can seek without downloading the whole
 * file.
 */
@Component
public class MediaFiles {

	private final Path root;

	MediaFiles(WebProperties properties) {
		this.root = properties.mediaRoot().toAbsolutePath().normalize();
	}

	/**
	 * The folder videos live in ({@code captionflow.gateway.media-root}).
	 * @return its absolute, normalised path
	 */
	public Path root() {
		return this.root;
	}

	/**
	 * The regular file at a location relative to the media root, checked on the file
	 * system: call it off the event loop.
	 * @param location the file's location relative to the media root
	 * @return the file's real path, or empty when the location is malformed, leaves the
	 * media root (by {@code ..} or by a link) or holds no regular file
	 */
	public Optional<Path> resolveExisting(String location) {
		if (!wellFormed(location)) {
			return Optional.empty();
		}
		try {
			Path file = this.root.resolve(location).normalize();
			if (!file.startsWith(this.root) || file.equals(this.root)) {
				return Optional.empty();
			}
			Path realRoot = this.root.toRealPath();
			Path real = file.toRealPath();
			return (real.startsWith(realRoot) && Files.isRegularFile(real)) ? Optional.of(real) : Optional.empty();
		}
		catch (IOException | InvalidPathException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Whether a location has the form of one: relative, of printable characters, not too
	 * long.
	 * @param location a location from a request, an event or the database
	 * @return true when it may name a file under the media root
	 */
	public static boolean wellFormed(String location) {
		if (location == null || location.isEmpty() || location.length() > WorkLimits.MAX_MEDIA_LOCATION
				|| location.startsWith("/") || location.indexOf('\\') >= 0) {
			return false;
		}
		return location.chars().noneMatch(Character::isISOControl);
	}

	/**
	 * The file at a location relative to the media root, as a response of the given kind;
	 * revalidated on each use, since a file may be rewritten under the same name.
	 * @param location the file's location relative to the media root
	 * @param kind what the file holds: its content type is always one of that kind,
	 * whatever its name, so a file named {@code .html} is never served as a page
	 * @return the response, or empty when the location leaves the media root or holds no
	 * regular file
	 */
	public Mono<ResponseEntity<Resource>> serve(String location, Kind kind) {
		return Mono.fromCallable(() -> resolveExisting(location))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap(Mono::justOrEmpty)
			.map((file) -> ResponseEntity.ok()
				.contentType(kind.contentType(file.getFileName().toString()))
				.cacheControl(CacheControl.noCache())
				.body(new FileSystemResource(file)));
	}

	/**
	 * What a served file holds.
	 */
	public enum Kind {

		/** A video: a {@code video/*} type by its name, else {@code video/mp4}. */
		VIDEO,

		/** A median image, which the workers write as PNG. */
		PNG;

		MediaType contentType(String fileName) {
			if (this == PNG) {
				return MediaType.IMAGE_PNG;
			}
			return MediaTypeFactory.getMediaType(fileName)
				.filter((type) -> "video".equals(type.getType()))
				.orElse(VIDEO_MP4);
		}

	}

	private static final MediaType VIDEO_MP4 = MediaType.parseMediaType("video/mp4");

}
