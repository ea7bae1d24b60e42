package io.captionflow.events;

import java.util.List;

/**
 * Every topic CaptionFlow uses, with its key and value types. All records are keyed by
 * video id, so the events of one video stay in order on one partition.
 */
public final class Topics {

	/** OCR requests from the gateway's outbox relay to the workers. */
	public static final Topic<String, CaptionOcrRequested> CAPTION_OCR_REQUESTS = new Topic<>("caption-ocr-requests",
			String.class, CaptionOcrRequested.class);

	/** Progress and results from the workers to the gateway. */
	public static final Topic<String, FlowEvent> FLOW_EVENTS = new Topic<>("flow-events", String.class,
			FlowEvent.class);

	/** The notification log, fanned out to every gateway instance's SSE clients. */
	public static final Topic<String, VideoNotification> VIDEO_NOTIFICATIONS = new Topic<>("video-notifications",
			String.class, VideoNotification.class);

	private Topics() {
	}

	/**
	 * All topics, in the order of the flow.
	 * @return the topics
	 */
	public static List<Topic<String, ?>> all() {
		return List.of(CAPTION_OCR_REQUESTS, FLOW_EVENTS, VIDEO_NOTIFICATIONS);
	}

	/**
	 * The topic of a name, or of its dead-letter topic's name.
	 * @param name a topic name
	 * @return the topic
	 * @throws IllegalArgumentException when CaptionFlow has no such topic
	 */
	public static Topic<String, ?> forName(String name) {
		for (Topic<String, ?> topic : all()) {
			if (topic.name().equals(name) || topic.deadLetterName().equals(name)) {
				return topic;
			}
		}
		throw new IllegalArgumentException("'" + name + "' is not a CaptionFlow topic");
	}

}
