package io.captionflow.events;

import java.util.List;

/**
 * Every topic CaptionFlow uses, with its key and value types. All records are keyed by
 * video id, so the events of one video stay in order on one partition. Each name is also
 * a compile-time constant ({@code ..._NAME}), for annotations such as
 * {@code @KafkaListener(topics = ...)}, which take no method call.
 */
public final class Topics {

	/** The name of {@link #CAPTION_OCR_REQUESTS}. */
	public static final String CAPTION_OCR_REQUESTS_NAME = "caption-ocr-requests";

	/** The name of the dead-letter topic of {@link #CAPTION_OCR_REQUESTS}. */
	public static final String CAPTION_OCR_REQUESTS_DEAD_LETTER_NAME = CAPTION_OCR_REQUESTS_NAME
			+ Topic.DEAD_LETTER_SUFFIX;

	/** The name of {@link #FLOW_EVENTS}. */
	public static final String FLOW_EVENTS_NAME = "flow-events";

	/** The name of the dead-letter topic of {@link #FLOW_EVENTS}. */
	public static final String FLOW_EVENTS_DEAD_LETTER_NAME = FLOW_EVENTS_NAME + Topic.DEAD_LETTER_SUFFIX;

	/** The name of {@link #VIDEO_NOTIFICATIONS}. */
	public static final String VIDEO_NOTIFICATIONS_NAME = "video-notifications";

	/** OCR requests from the gateway's outbox relay to the workers. */
	public static final Topic<String, CaptionOcrRequested> CAPTION_OCR_REQUESTS = new Topic<>(CAPTION_OCR_REQUESTS_NAME,
			String.class, CaptionOcrRequested.class);

	/** Progress and results from the workers to the gateway. */
	public static final Topic<String, FlowEvent> FLOW_EVENTS = new Topic<>(FLOW_EVENTS_NAME, String.class,
			FlowEvent.class);

	/** The notification log, fanned out to every gateway instance's SSE clients. */
	public static final Topic<String, VideoNotification> VIDEO_NOTIFICATIONS = new Topic<>(VIDEO_NOTIFICATIONS_NAME,
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
