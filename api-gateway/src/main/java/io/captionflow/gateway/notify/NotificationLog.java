package io.captionflow.gateway.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.outbox.Outbox;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Appends status changes to the notification log, within the caller's transaction, and
 * queues each for fan-out to every gateway instance through the outbox.
 */
@Component
public class NotificationLog {

	/** The flow name of caption OCR notifications. */
	public static final String CAPTION_OCR_FLOW = "caption-ocr";

	private final DatabaseClient db;

	private final Outbox outbox;

	private final Clock clock;

	NotificationLog(DatabaseClient db, Outbox outbox, Clock clock) {
		this.db = db;
		this.outbox = outbox;
		this.clock = clock;
	}

	/**
	 * Appends a notification.
	 * @param videoId the video
	 * @param flowName the flow
	 * @param status the new status
	 * @param error the reason of an error, else null
	 * @param captionId the caption, else null
	 * @param source who reported the change
	 * @return the notification with its id
	 */
	public Mono<VideoNotification> append(String videoId, String flowName, VideoNotification.Status status,
			String error, Long captionId, String source) {
		Instant now = this.clock.instant();
		DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
				insert into flow_notifications (video_id, flow_name, status, error, caption_id, source, created_at)
				values (:videoId, :flowName, :status, :error, :captionId, :source, :at)""")
			.bind("videoId", videoId)
			.bind("flowName", flowName)
			.bind("status", status.wireName())
			.bind("source", source)
			.bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
		insert = (error != null) ? insert.bind("error", error) : insert.bindNull("error", String.class);
		insert = (captionId != null) ? insert.bind("captionId", captionId) : insert.bindNull("captionId", Long.class);
		return insert.filter((statement) -> statement.returnGeneratedValues("id"))
			.map((row) -> row.get("id", Long.class))
			.one()
			.map((id) -> new VideoNotification(VideoNotification.SCHEMA_VERSION, id, videoId, flowName, status, error,
					captionId, now, source))
			.flatMap((notification) -> this.outbox.append(Topics.VIDEO_NOTIFICATIONS, videoId, notification)
				.thenReturn(notification));
	}

}
