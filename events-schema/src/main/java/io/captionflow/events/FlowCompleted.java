package io.captionflow.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A worker finished an OCR request, with its text or the reason it failed.
 *
 * @param schemaVersion schema version, {@link #SCHEMA_VERSION}
 * @param eventId unique id of this event
 * @param requestId the request finished
 * @param videoId the video
 * @param captionId the caption
 * @param revision the caption revision of the request
 * @param status whether OCR produced a result
 * @param text the text read, empty when there was none; null on error
 * @param confidence the confidence of the least certain word, 0 to 100 (below 80: check
 * this caption); null on error
 * @param error why it failed; null when complete
 * @param framesUsed how many frames went into the median
 * @param medianImage location of the median image under the media root; null when none
 * was made
 * @param timings where the time went
 * @param workerId the worker
 * @param occurredAt when it finished
 */
public record FlowCompleted(int schemaVersion, UUID eventId, UUID requestId, String videoId, long captionId,
		long revision, Status status, @Nullable String text, @Nullable Double confidence, @Nullable String error,
		int framesUsed, @Nullable String medianImage, Timings timings, String workerId,
		Instant occurredAt) implements FlowEvent {

	/** The schema version this code writes. */
	public static final int SCHEMA_VERSION = 1;

	public FlowCompleted {
		Objects.requireNonNull(eventId, "eventId");
		Objects.requireNonNull(requestId, "requestId");
		Objects.requireNonNull(videoId, "videoId");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(timings, "timings");
		Objects.requireNonNull(workerId, "workerId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		if (status == Status.ERROR && (error == null || error.isBlank())) {
			throw new IllegalArgumentException("an ERROR completion needs a reason");
		}
	}

	/**
	 * A successful completion.
	 * @param request the request
	 * @param text the text read
	 * @param confidence the confidence of the least certain word, 0 to 100
	 * @param framesUsed frames in the median
	 * @param medianImage median image location under the media root
	 * @param timings where the time went
	 * @param workerId the worker
	 * @param at when
	 * @return the event
	 */
	public static FlowCompleted complete(CaptionOcrRequested request, String text, double confidence, int framesUsed,
			String medianImage, Timings timings, String workerId, Instant at) {
		return new FlowCompleted(SCHEMA_VERSION, FlowEvent.idFor(request, "completed"), request.eventId(),
				request.videoId(), request.captionId(), request.revision(), Status.COMPLETE, text, confidence, null,
				framesUsed, medianImage, timings, workerId, at);
	}

	/**
	 * A failed completion.
	 * @param request the request
	 * @param error why it failed
	 * @param timings where the time went
	 * @param workerId the worker
	 * @param at when
	 * @return the event
	 */
	public static FlowCompleted error(CaptionOcrRequested request, String error, Timings timings, String workerId,
			Instant at) {
		return new FlowCompleted(SCHEMA_VERSION, FlowEvent.idFor(request, "failed"), request.eventId(),
				request.videoId(), request.captionId(), request.revision(), Status.ERROR, null, null, error, 0, null,
				timings, workerId, at);
	}

	@Override
	public int supportedSchemaVersion() {
		return SCHEMA_VERSION;
	}

	/** The outcome of a request. */
	public enum Status {

		/** OCR ran; the text may be empty. */
		COMPLETE,

		/** The request could not be processed; {@code error} says why. */
		ERROR

	}

	/**
	 * Milliseconds spent in each stage of a request.
	 *
	 * @param decodeMs decoding frames
	 * @param medianMs computing the median frame
	 * @param ocrMs reading text
	 * @param totalMs the whole request
	 */
	public record Timings(long decodeMs, long medianMs, long ocrMs, long totalMs) {

		/** No time recorded. */
		public static final Timings NONE = new Timings(0, 0, 0, 0);

	}

}
