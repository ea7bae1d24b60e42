package io.captionflow.gateway.notify;

import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.messaging.RecordFailedException;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Reads the video-notifications topic, on which every instance announces the ids it
 * numbered, and hands each id to this instance's {@link NotificationFeed}. The record is
 * only a hint that the log grew: what reaches browsers is read from the log, so a record
 * written to the topic by anyone else cannot reach one, nor take the place of a real
 * notification's id.
 */
@Component
class NotificationListener {

	private final NotificationFeed feed;

	NotificationListener(NotificationFeed feed) {
		this.feed = feed;
	}

	@KafkaListener(id = "video-notifications", topics = Topics.VIDEO_NOTIFICATIONS_NAME,
			groupId = "#{'gateway-sse-' + T(java.util.UUID).randomUUID()}",
			// a group of this instance's own, read from now on: its offsets matter to no
			// one, so the client commits them now and then instead of the container
			// after every record
			properties = { "auto.offset.reset=latest", "enable.auto.commit=true" })
	void onNotification(VideoNotification notification) {
		RecordFailedException.handle(() -> this.feed.hint(notification.id()));
	}

}
