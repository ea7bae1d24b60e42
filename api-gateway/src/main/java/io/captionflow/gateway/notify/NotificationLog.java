package io.captionflow.gateway.notify;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.background.AfterCommit;
import io.captionflow.gateway.trace.Traces;
import io.captionflow.gateway.web.PlainText;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Appends status changes to the notification log within the transaction that makes them.
 * An appended notification has no id until it is committed and the
 * {@link NotificationSequencer} numbers it; {@link NotificationReader} reads the log. A
 * notification keeps the trace its change was made in: its id for the record, its
 * {@code traceparent} for the hint to the other instances.
 */
@Component
public class NotificationLog {

	/** The flow name of caption OCR notifications. */
	public static final String CAPTION_OCR_FLOW = "caption-ocr";

	/**
	 * The flow name of an annotator's edit that queues no OCR (text saved, caption
	 * deleted): status {@code complete}, so every open page refetches the caption.
	 */
	public static final String CAPTION_EDIT_FLOW = "caption-edit";

	private static final int MAX_ERROR = 2000;

	private static final int MAX_FLOW_NAME = 200;

	private final DatabaseClient db;

	private final NotificationSequencer sequencer;

	private final Clock clock;

	private final Traces traces;

	NotificationLog(DatabaseClient db, NotificationSequencer sequencer, Clock clock, Traces traces) {
		this.db = db;
		this.sequencer = sequencer;
		this.clock = clock;
		this.traces = traces;
	}

	/**
	 * Appends a notification within the caller's transaction; it is numbered and pushed
	 * once that transaction commits.
	 * @param videoId the video
	 * @param flowName the flow
	 * @param status the new status
	 * @param error the reason of an error, else null
	 * @param captionId the caption, else null
	 * @param source who reported the change
	 * @return completion
	 */
	public Mono<Void> append(String videoId, String flowName, VideoNotification.Status status, @Nullable String error,
			@Nullable Long captionId, String source) {
		// the columns' lengths: a reason from a worker or a webhook may be longer
		String reason = PlainText.boundedOrNull(error, MAX_ERROR);
		return this.traces.current().flatMap((trace) -> {
			Instant now = this.clock.instant();
			DatabaseClient.GenericExecuteSpec insert = this.db.sql("""
					insert into flow_notifications (video_id, flow_name, status, error, caption_id, source, trace_id,
					  trace_parent, created_at)
					values (:videoId, :flowName, :status, :error, :captionId, :source, :traceId, :traceParent, :at)""")
				.bind("videoId", videoId)
				.bind("flowName", PlainText.bounded(flowName, MAX_FLOW_NAME))
				.bind("status", status.wireName())
				.bind("source", source)
				.bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
			insert = (reason != null) ? insert.bind("error", reason) : insert.bindNull("error", String.class);
			insert = (captionId != null) ? insert.bind("captionId", captionId)
					: insert.bindNull("captionId", Long.class);
			insert = trace.isPresent() ? insert.bind("traceId", trace.get().traceId())
					: insert.bindNull("traceId", String.class);
			String traceParent = trace.map(Traces.Trace::traceparent).orElse(null);
			insert = (traceParent != null) ? insert.bind("traceParent", traceParent)
					: insert.bindNull("traceParent", String.class);
			return insert.fetch().rowsUpdated();
		}).then(AfterCommit.run(this.sequencer::wake));
	}

}
