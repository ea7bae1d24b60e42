package io.captionflow.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A worker started on an OCR request.
 *
 * @param schemaVersion schema version, {@link #SCHEMA_VERSION}
 * @param eventId unique id of this event
 * @param requestId the request started on
 * @param videoId the video
 * @param captionId the caption
 * @param revision the caption revision of the request
 * @param workerId the worker
 * @param occurredAt when it started
 */
public record FlowStarted(int schemaVersion, UUID eventId, UUID requestId, String videoId, long captionId,
		long revision, String workerId, Instant occurredAt) implements FlowEvent {

	/** The schema version this code writes. */
	public static final int SCHEMA_VERSION = 1;

	public FlowStarted {
		Objects.requireNonNull(eventId, "eventId");
		Objects.requireNonNull(requestId, "requestId");
		Objects.requireNonNull(videoId, "videoId");
		Objects.requireNonNull(workerId, "workerId");
		Objects.requireNonNull(occurredAt, "occurredAt");
	}

	/**
	 * The start of work on a request.
	 * @param request the request
	 * @param workerId the worker
	 * @param at when
	 * @return the event
	 */
	public static FlowStarted of(CaptionOcrRequested request, String workerId, Instant at) {
		return new FlowStarted(SCHEMA_VERSION, FlowEvent.idFor(request, "started"), request.eventId(),
				request.videoId(), request.captionId(), request.revision(), workerId, at);
	}

	@Override
	public int supportedSchemaVersion() {
		return SCHEMA_VERSION;
	}

}
