package io.captionflow.gateway;

import java.nio.file.Files;
import java.nio.file.Path;

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
 * Files under the media root served as responses: the videos and the median images the
 * workers write. A {@link Resource} body lets WebFlux answer range requests with 206 and
 * the asked-for bytes, so a player can seek without downloading the whole file.
 */
@Component
public class MediaFiles {

	private final Path root;

	MediaFiles(GatewayProperties properties) {
		this.root = properties.mediaRoot().toAbsolutePath().normalize();
	}

	/**
	 * The file at a location relative to the media root, as a response whose content type
	 * follows the file's name; revalidated on each use, since a file may be rewritten
	 * under the same name.
	 * @param location the file's location relative to the media root
	 * @return the response, or empty when the location leaves the media root or holds no
	 * regular file
	 */
	public Mono<ResponseEntity<Resource>> serve(String location) {
		Path file = this.root.resolve(location).normalize();
		return Mono.fromCallable(() -> file.startsWith(this.root) && Files.isRegularFile(file))
			.subscribeOn(Schedulers.boundedElastic())
			.filter(Boolean::booleanValue)
			.map((found) -> ResponseEntity.ok()
				.contentType(MediaTypeFactory.getMediaType(file.getFileName().toString())
					.orElse(MediaType.APPLICATION_OCTET_STREAM))
				.cacheControl(CacheControl.noCache())
				.body(new FileSystemResource(file)));
	}

}
