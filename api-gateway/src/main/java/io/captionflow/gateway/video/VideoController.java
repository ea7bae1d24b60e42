package io.captionflow.gateway.video;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.events.WorkLimits;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.MediaFiles;
import io.captionflow.gateway.web.NotFoundException;
import jakarta.validation.Valid;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.io.Resource;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Videos over HTTP. (Their stats are the caption module's: they count captions.)
 */
@RestController
@RequestMapping("/api/videos")
class VideoController {

	private final VideoCatalog catalog;

	private final VideoProbe probe;

	private final Clock clock;

	private final MediaFiles media;

	private final WorkLimits limits;

	private final OcrLanguages languages;

	VideoController(VideoCatalog catalog, VideoProbe probe, Clock clock, MediaFiles media, VideoProperties properties,
			OcrLanguages languages) {
		this.catalog = catalog;
		this.probe = probe;
		this.clock = clock;
		this.media = media;
		this.limits = properties.limits().work();
		this.languages = languages;
	}

	@GetMapping
	Flux<Video> list() {
		return this.catalog.findAll();
	}

	@GetMapping("/{videoId}")
	Mono<Video> get(@PathVariable String videoId) {
		return find(videoId);
	}

	/**
	 * Registers a video: FFmpeg reads its size, frame rate and frame count.
	 */
	@PostMapping
	Mono<ResponseEntity<Video>> register(@Valid @RequestBody RegisterRequest request) {
		String id = (request.id() != null) ? request.id() : UUID.randomUUID().toString();
		String language = (request.language() != null) ? request.language() : "eng";
		checkLanguage(language);
		return this.probe.probe(request.media()).flatMap((facts) -> {
			CropBox crop = (request.crop() != null) ? request.crop() : defaultCrop(facts.width(), facts.height());
			checkCrop(crop, facts.width(), facts.height());
			VideoManifest manifest = new VideoManifest(id, request.title(), request.media(), facts.fps(),
					facts.frameCount(), facts.width(), facts.height(), crop, language, List.of());
			return this.catalog.register(manifest, this.clock.instant())
				.onErrorMap(DataIntegrityViolationException.class,
						(ex) -> new ResponseStatusException(HttpStatus.CONFLICT, "video '" + id + "' already exists"))
				.then(find(id))
				.map((video) -> ResponseEntity.created(URI.create("/api/videos/" + id)).body(video));
		});
	}

	@PatchMapping("/{videoId}")
	Mono<Video> patch(@PathVariable String videoId, @Valid @RequestBody VideoPatch patch) {
		if (patch.language() != null) {
			checkLanguage(patch.language());
		}
		return find(videoId).flatMap((video) -> {
			CropBox crop = patch.crop();
			if (crop != null) {
				checkCrop(crop, video.width(), video.height());
			}
			return this.catalog.update(videoId, crop, patch.language(), this.clock.instant()).then(find(videoId));
		});
	}

	/**
	 * The video file itself, for the page's player; range requests are answered with 206,
	 * so the player can seek without downloading the whole file.
	 */
	@GetMapping("/{videoId}/media")
	Mono<ResponseEntity<Resource>> media(@PathVariable String videoId) {
		return find(videoId).flatMap((video) -> this.media.serve(video.media(), MediaFiles.Kind.VIDEO))
			.switchIfEmpty(
					Mono.error(() -> new NotFoundException("the media file of video '" + videoId + "' is gone")));
	}

	/** The bottom sixth of the frame, where captions usually sit. */
	static CropBox defaultCrop(int width, int height) {
		int boxHeight = Math.max(1, height / 6);
		return new CropBox(0, height - boxHeight, width, boxHeight);
	}

	private void checkCrop(CropBox crop, int width, int height) {
		this.limits.checkCrop(crop, width, height).ifPresent(VideoController::refuse);
	}

	private void checkLanguage(String language) {
		this.limits.checkLanguage(language).ifPresent(VideoController::refuse);
		this.languages.check(language);
	}

	private static void refuse(WorkLimits.Violation violation) {
		throw new InvalidRequestException(violation.field(), violation.message());
	}

	private Mono<Video> find(String videoId) {
		return this.catalog.find(videoId).switchIfEmpty(Mono.error(() -> Videos.notFound(videoId)));
	}

}
