package io.captionflow.gateway.video;

import io.captionflow.gateway.NotFoundException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Videos and their stats over HTTP.
 */
@RestController
@RequestMapping("/api/videos")
class VideoController {

	private final VideoCatalog catalog;

	VideoController(VideoCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping
	Flux<Video> list() {
		return this.catalog.findAll();
	}

	@GetMapping("/{videoId}")
	Mono<Video> get(@PathVariable String videoId) {
		return find(videoId);
	}

	@GetMapping("/{videoId}/stats")
	Mono<VideoStats> stats(@PathVariable String videoId) {
		return find(videoId).flatMap(this.catalog::stats);
	}

	private Mono<Video> find(String videoId) {
		return this.catalog.find(videoId)
			.switchIfEmpty(Mono.error(() -> new NotFoundException("video '" + videoId + "' does not exist")));
	}

}
