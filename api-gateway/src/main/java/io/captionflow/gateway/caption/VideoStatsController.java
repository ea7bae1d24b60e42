package io.captionflow.gateway.caption;

import java.nio.charset.StandardCharsets;

import io.captionflow.gateway.video.Videos;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.DigestUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * A video's stats over HTTP: counts of its captions, so this module's.
 */
@RestController
class VideoStatsController {

	private final Videos videos;

	private final CaptionStats stats;

	VideoStatsController(Videos videos, CaptionStats stats) {
		this.videos = videos;
		this.stats = stats;
	}

	/**
	 * A video's stats, with an entity tag: a client that sends it back in
	 * {@code If-None-Match} gets 304 while nothing changed.
	 */
	@GetMapping("/api/videos/{videoId}/stats")
	Mono<ResponseEntity<VideoStats>> stats(@PathVariable String videoId, ServerWebExchange exchange) {
		return this.videos.find(videoId)
			.switchIfEmpty(Mono.error(() -> Videos.notFound(videoId)))
			.flatMap(this.stats::of)
			.map((stats) -> {
				String etag = "\"" + DigestUtils.md5DigestAsHex(stats.toString().getBytes(StandardCharsets.UTF_8))
						+ "\"";
				if (exchange.checkNotModified(etag)) {
					return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(etag).build();
				}
				return ResponseEntity.ok().eTag(etag).cacheControl(CacheControl.noCache()).body(stats);
			});
	}

}
