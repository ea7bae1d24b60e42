package io.captionflow.gateway.video;

import java.time.Instant;
import java.util.List;

import io.captionflow.events.VideoManifest;
import reactor.core.publisher.Mono;

/**
 * What importing a manifest asks of the module that keeps captions: to register the
 * manifest's predicted captions of a video just registered, in the same transaction.
 * Declared here and implemented by the caption module, which depends on this one for its
 * videos' facts, so that the two modules do not depend on each other.
 */
public interface PredictedCaptions {

	/**
	 * Registers the predicted captions of a new video, each {@code predicted}, pending
	 * review and with no OCR yet. Joins the caller's transaction.
	 * @param videoId the video, registered in the same transaction
	 * @param captions the captions, their ranges already held to the video and the limits
	 * @param at creation time
	 * @return the number registered
	 */
	Mono<Long> register(String videoId, List<VideoManifest.PredictedCaption> captions, Instant at);

}
