package io.captionflow.gateway.caption;

import java.time.Instant;
import java.util.List;

import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.video.PredictedCaptions;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The caption module's entry for the import of a manifest: its predicted captions become
 * captions, {@code predicted} and pending review, with no OCR yet.
 */
@Component
class PredictedCaptionImport implements PredictedCaptions {

	private final CaptionStore captions;

	PredictedCaptionImport(CaptionStore captions) {
		this.captions = captions;
	}

	@Override
	public Mono<Long> register(String videoId, List<VideoManifest.PredictedCaption> captions, Instant at) {
		return Mono.defer(() -> this.captions.insertPredicted(videoId,
				captions.stream()
					.map((caption) -> new FrameRange(caption.startFrameIndex(), caption.endFrameIndex()))
					.toList(),
				at));
	}

}
