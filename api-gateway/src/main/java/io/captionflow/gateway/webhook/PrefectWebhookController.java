package io.captionflow.gateway.webhook;

import java.util.Map;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.NotFoundException;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.notify.NotificationStream;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accepts job-status webhooks in the seed payload {@code {videoId, flowName, status,
 * error?}}, appends them to the notification log and answers with the number of live SSE
 * connections.
 */
@RestController
class PrefectWebhookController {

	static final String SOURCE = "webhook:prefect";

	private final NotificationLog notifications;

	private final NotificationStream stream;

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	PrefectWebhookController(NotificationLog notifications, NotificationStream stream, DatabaseClient db,
			TransactionalOperator transaction) {
		this.notifications = notifications;
		this.stream = stream;
		this.db = db;
		this.transaction = transaction;
	}

	@PostMapping("/api/webhooks/prefect")
	Mono<Map<String, Object>> receive(@Valid @RequestBody JobStatus body) {
		VideoNotification.Status status = VideoNotification.Status.fromWireName(body.status());
		String error = (status == VideoNotification.Status.ERROR) ? body.error() : null;
		Mono<VideoNotification> append = this.db.sql("select count(*) from videos where id = :id")
			.bind("id", body.videoId())
			.map((row) -> row.get(0, Long.class))
			.one()
			.flatMap((count) -> (count > 0)
					? this.notifications.append(body.videoId(), body.flowName(), status, error, null, SOURCE)
					: Mono.error(new NotFoundException("video '" + body.videoId() + "' does not exist")));
		return this.transaction.transactional(append)
			.map((notification) -> Map.of("accepted", true, "id", notification.id(), "clients",
					this.stream.connectedClients()));
	}

	/**
	 * A job status as external systems post it.
	 *
	 * @param videoId the video
	 * @param flowName the job or flow
	 * @param status {@code started}, {@code complete} or {@code error}
	 * @param error the reason of an error
	 */
	record JobStatus(@NotBlank @Size(max = 64) String videoId, @NotBlank @Size(max = 200) String flowName,
			@NotBlank @Pattern(regexp = "started|complete|error",
					message = "must be one of started, complete, error") String status,
			@Size(max = 2000) String error) {
	}

}
