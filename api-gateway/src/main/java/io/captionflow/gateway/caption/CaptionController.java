package io.captionflow.gateway.caption;

import io.captionflow.gateway.NotFoundException;
import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The captions of a video over HTTP.
 */
@RestController
@RequestMapping("/api/videos/{videoId}/captions")
class CaptionController {

	private final CaptionStore captions;

	private final ExtentsSaves saves;

	private final DatabaseClient db;

	CaptionController(CaptionStore captions, ExtentsSaves saves, DatabaseClient db) {
		this.captions = captions;
		this.saves = saves;
		this.db = db;
	}

	@GetMapping
	Flux<Caption> list(@PathVariable String videoId) {
		return this.db.sql("select count(*) from videos where id = :id")
			.bind("id", videoId)
			.map((row) -> row.get(0, Long.class))
			.one()
			.flatMapMany((count) -> (count > 0) ? this.captions.findByVideo(videoId)
					: Flux.error(new NotFoundException("video '" + videoId + "' does not exist")));
	}

	@GetMapping("/{captionId}")
	Mono<Caption> get(@PathVariable String videoId, @PathVariable long captionId) {
		return this.captions.find(videoId, captionId)
			.switchIfEmpty(Mono.error(() -> new NotFoundException(
					"caption " + captionId + " of video '" + videoId + "' does not exist")));
	}

	@PutMapping("/{captionId}/extents")
	Mono<Caption> saveExtents(@PathVariable String videoId, @PathVariable long captionId,
			@Valid @RequestBody ExtentsRequest request) {
		return this.saves.save(videoId, captionId, request);
	}

}
