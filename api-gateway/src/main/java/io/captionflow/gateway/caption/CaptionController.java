package io.captionflow.gateway.caption;

import java.util.List;

import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.MediaFiles;
import io.captionflow.gateway.web.NotFoundException;
import io.captionflow.gateway.video.Videos;
import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The captions of a video over HTTP.
 */
@RestController
@RequestMapping("/api/videos/{videoId}/captions")
class CaptionController {

	static final int MAX_PAGE_SIZE = 1000;

	private final CaptionStore captions;

	private final CaptionEdits edits;

	private final Videos videos;

	private final MediaFiles media;

	CaptionController(CaptionStore captions, CaptionEdits edits, Videos videos, MediaFiles media) {
		this.captions = captions;
		this.edits = edits;
		this.videos = videos;
		this.media = media;
	}

	@GetMapping
	Mono<CaptionPage> list(@PathVariable String videoId, @RequestParam(defaultValue = "0") int page,
			@RequestParam(defaultValue = "200") int size) {
		if (page < 0) {
			return Mono.error(new InvalidRequestException("page", "page must be 0 or more"));
		}
		if (size < 1 || size > MAX_PAGE_SIZE) {
			return Mono.error(new InvalidRequestException("size", "size must be between 1 and " + MAX_PAGE_SIZE));
		}
		return videoExists(videoId).then(this.captions.countByVideo(videoId))
			.flatMap((total) -> this.captions.findByVideo(videoId, (long) page * size, size)
				.collectList()
				.map((content) -> new CaptionPage(content, page, size, total)));
	}

	@GetMapping("/{captionId}")
	Mono<Caption> get(@PathVariable String videoId, @PathVariable long captionId) {
		CaptionKey key = new CaptionKey(videoId, captionId);
		return this.captions.find(key).switchIfEmpty(Mono.error(key::notFound));
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	Mono<CaptionEdits.SaveResult> create(@PathVariable String videoId, @Valid @RequestBody CreateRequest request) {
		return this.edits.create(videoId, request);
	}

	@PutMapping("/{captionId}/extents")
	Mono<CaptionEdits.SaveResult> saveExtents(@PathVariable String videoId, @PathVariable long captionId,
			@Valid @RequestBody ExtentsRequest request) {
		return this.edits.saveExtents(new CaptionKey(videoId, captionId), request);
	}

	@PutMapping("/{captionId}/text")
	Mono<Caption> saveText(@PathVariable String videoId, @PathVariable long captionId,
			@Valid @RequestBody TextRequest request) {
		return this.edits.saveText(new CaptionKey(videoId, captionId), request);
	}

	@DeleteMapping("/{captionId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	Mono<Void> delete(@PathVariable String videoId, @PathVariable long captionId) {
		return this.edits.delete(new CaptionKey(videoId, captionId));
	}

	/**
	 * The caption's median image, as the worker last made it.
	 */
	@GetMapping("/{captionId}/image")
	Mono<ResponseEntity<Resource>> image(@PathVariable String videoId, @PathVariable long captionId) {
		CaptionKey key = new CaptionKey(videoId, captionId);
		return this.captions.findImage(key)
			.flatMap((image) -> this.media.serve(image, MediaFiles.Kind.PNG))
			.switchIfEmpty(Mono.error(() -> new NotFoundException(key + " has no median image yet")));
	}

	private Mono<Void> videoExists(String videoId) {
		return this.videos.exists(videoId)
			.flatMap((exists) -> exists ? Mono.<Void>empty() : Mono.error(Videos.notFound(videoId)));
	}

	/**
	 * A page of captions, by start frame.
	 *
	 * @param content the captions of this page
	 * @param page the page number, from 0
	 * @param size the page size asked for
	 * @param totalElements captions of the video in all
	 */
	record CaptionPage(List<Caption> content, int page, int size, long totalElements) {
	}

}
