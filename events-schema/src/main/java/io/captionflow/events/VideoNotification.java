package io.captionflow.events;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonValue;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the notification log: a status change of a video's flow, from the OCR
 * pipeline or from an external system's webhook. Its shape is the webhook payload
 * external systems send, so both land on one stream.
 *
 * @param schemaVersion schema version, {@link #SCHEMA_VERSION}
 * @param id the notification id, monotonic; the SSE event id
 * @param videoId the video
 * @param flowName the flow, such as {@code caption-ocr}
 * @param status the new status
 * @param error the reason, when the status is {@code error}
 * @param captionId the caption, when the flow concerns one
 * @param timestamp when the change happened
 * @param source who reported it, such as {@code ocr-worker} or {@code webhook:prefect}
 * @param traceId the trace of the change (32 hex digits: the save's or the webhook
 * request's), or null when it was made in none (tracing off, the stuck-caption sweep)
 */
public record VideoNotification(int schemaVersion, long id, String videoId, String flowName, Status status,
		@Nullable String error, @Nullable Long captionId, Instant timestamp, String source,
		@Nullable String traceId) implements VersionedEvent {

	/** The schema version this code writes. */
	public static final int SCHEMA_VERSION = 1;

	public VideoNotification {
		Objects.requireNonNull(videoId, "videoId");
		Objects.requireNonNull(flowName, "flowName");
		Objects.requireNonNull(status, "status");
		Objects.requireNonNull(timestamp, "timestamp");
		Objects.requireNonNull(source, "source");
	}

	@Override
	public int supportedSchemaVersion() {
		return SCHEMA_VERSION;
	}

	/** Flow statuses as webhooks name them. */
	public enum Status {

		/** Waiting for a worker. */
		QUEUED("queued"),

		/** A worker is on it. */
		STARTED("started"),

		/** Finished with a result. */
		COMPLETE("complete"),

		/** Finished without a result. */
		ERROR("error");

		private final String wireName;

		Status(String wireName) {
			this.wireName = wireName;
		}

		/**
		 * The name on the wire.
		 * @return lower-case name
		 */
		@JsonValue
		public String wireName() {
			return this.wireName;
		}

		/**
		 * The status of a wire name.
		 * @param wireName lower-case name
		 * @return the status
		 * @throws IllegalArgumentException for an unknown name
		 */
		public static Status fromWireName(String wireName) {
			for (Status status : values()) {
				if (status.wireName.equals(wireName)) {
					return status;
				}
			}
			throw new IllegalArgumentException("unknown status '" + wireName + "'");
		}

	}

}
