package io.captionflow.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * How far a worker is with a long caption: frames decoded of the frames to decode. Sent
 * at most a few times a second per caption, for a progress bar; a missed one loses
 * nothing.
 *
 * @param schemaVersion schema version, {@link #SCHEMA_VERSION}
 * @param eventId unique id of this event
 * @param requestId the request in progress
 * @param videoId the video
 * @param captionId the caption
 * @param revision the caption revision of the request
 * @param framesDecoded frames of the range decoded so far
 * @param framesTotal frames in the range
 * @param workerId the worker
 * @param occurredAt when
 */
public record FlowProgressed(int schemaVersion, UUID eventId, UUID requestId, String videoId, long captionId,
		long revision, int framesDecoded, int framesTotal, String workerId, Instant occurredAt) implements FlowEvent {

	/** The schema version this code writes. */
	public static final int SCHEMA_VERSION = 1;

	public FlowProgressed {
		Objects.requireNonNull(eventId, "eventId");
		Objects.requireNonNull(requestId, "requestId");
		Objects.requireNonNull(videoId, "videoId");
		Objects.requireNonNull(workerId, "workerId");
		Objects.requireNonNull(occurredAt, "occurredAt");
		if (framesTotal < 1 || framesDecoded < 0 || framesDecoded > framesTotal) {
			throw new IllegalArgumentException(framesDecoded + " of " + framesTotal + " frames is no progress");
		}
	}

	/**
	 * Progress on a request.
	 * @param request the request
	 * @param framesDecoded frames decoded so far
	 * @param workerId the worker
	 * @param at when
	 * @return the event
	 */
	public static FlowProgressed of(CaptionOcrRequested request, int framesDecoded, String workerId, Instant at) {
		return new FlowProgressed(SCHEMA_VERSION, FlowEvent.idFor(request, "progressed-" + framesDecoded),
				request.eventId(), request.videoId(), request.captionId(), request.revision(), framesDecoded,
				Math.toIntExact(request.frameCount()), workerId, at);
	}

	/**
	 * Progress as a whole percentage, rounded down.
	 * @return 0 to 100
	 */
	public int percent() {
		return (int) (100L * this.framesDecoded / this.framesTotal);
	}

	@Override
	public int supportedSchemaVersion() {
		return SCHEMA_VERSION;
	}

}
