package io.captionflow.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a worker reports about one OCR request, on the flow-events topic. The JSON names
 * its type in a {@code type} property; consumers switch on the Java type, never on the
 * string.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = FlowStarted.class, name = "FlowStarted"),
		@JsonSubTypes.Type(value = FlowProgressed.class, name = "FlowProgressed"),
		@JsonSubTypes.Type(value = FlowCompleted.class, name = "FlowCompleted") })
public sealed interface FlowEvent extends VersionedEvent permits FlowStarted, FlowProgressed, FlowCompleted {

	/**
	 * The id of an event about a request: derived from the request's id and what the
	 * event says, so that a redelivered request yields events with the same ids and the
	 * gateway applies them once.
	 * @param request the request
	 * @param what what the event says, such as {@code started} or {@code completed}
	 * @return a name-based UUID
	 */
	static UUID idFor(CaptionOcrRequested request, String what) {
		return UUID.nameUUIDFromBytes((request.eventId() + "/" + what).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Unique id of this event, the key of idempotent application.
	 * @return event id
	 */
	UUID eventId();

	/**
	 * The id of the {@link CaptionOcrRequested} this event answers.
	 * @return request id
	 */
	UUID requestId();

	/**
	 * The video.
	 * @return video id
	 */
	String videoId();

	/**
	 * The caption.
	 * @return caption id
	 */
	long captionId();

	/**
	 * The caption revision the request was made for.
	 * @return revision
	 */
	long revision();

	/**
	 * The worker that handled the request.
	 * @return worker id
	 */
	String workerId();

	/**
	 * When the event happened.
	 * @return timestamp
	 */
	Instant occurredAt();

}
