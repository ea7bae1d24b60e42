package io.captionflow.gateway.webhook;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.InvalidRequestException;
import io.captionflow.gateway.PlainText;
import io.captionflow.gateway.NotFoundException;
import io.captionflow.gateway.notify.NotificationHub;
import io.captionflow.gateway.notify.NotificationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accepts job-status webhooks from external systems (see {@link WebhookPayload} for the
 * shapes), appends them to the notification log and answers {@code {success, message,
 * clients}}, {@code clients} being the live SSE connections of this instance.
 * <p>
 * With a secret configured, a request must carry a valid Standard Webhooks signature (401
 * otherwise). A request whose {@code webhook-id} was seen before is answered with the
 * original outcome and appends nothing. A rejected request stores nothing.
 */
@RestController
class PrefectWebhookController {

	static final String SOURCE = "webhook:prefect";

	private static final Logger logger = LoggerFactory.getLogger(PrefectWebhookController.class);

	private final NotificationLog notifications;

	private final NotificationHub hub;

	private final DatabaseClient db;

	private final TransactionalOperator transaction;

	private final JsonMapper json;

	private final StandardWebhooks signatures;

	private final Clock clock;

	PrefectWebhookController(NotificationLog notifications, NotificationHub hub, DatabaseClient db,
			TransactionalOperator transaction, JsonMapper json, GatewayProperties properties, Clock clock) {
		this.notifications = notifications;
		this.hub = hub;
		this.db = db;
		this.transaction = transaction;
		this.json = json;
		this.clock = clock;
		this.signatures = new StandardWebhooks(properties.webhooks().secrets(), properties.webhooks().tolerance(),
				clock);
		if (!this.signatures.required()) {
			logger.warn("No webhook secret is configured (captionflow.gateway.webhooks.secrets): unsigned webhook "
					+ "requests are accepted. Configure a secret for anything but local use.");
		}
	}

	@PostMapping(path = "/api/webhooks/prefect", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<Map<String, Object>> receive(@RequestBody(required = false) byte[] body,
			@RequestHeader(name = StandardWebhooks.ID, required = false) String webhookId,
			@RequestHeader(name = StandardWebhooks.TIMESTAMP, required = false) String timestamp,
			@RequestHeader(name = StandardWebhooks.SIGNATURE, required = false) String signature) {
		byte[] content = (body != null) ? body : new byte[0];
		if (this.signatures.required()) {
			this.signatures.verify(webhookId, timestamp, signature, content);
		}
		WebhookPayload payload = WebhookPayload.read(this.json, content);
		String deliveryId = (webhookId != null && !webhookId.isBlank()) ? webhookId.strip() : null;
		if (deliveryId != null && deliveryId.length() > 200) {
			throw new InvalidRequestException(StandardWebhooks.ID, "must be at most 200 characters");
		}
		if (deliveryId != null && deliveryId.chars().anyMatch(Character::isISOControl)) {
			throw new InvalidRequestException(StandardWebhooks.ID, PlainText.SINGLE_LINE_MESSAGE);
		}
		Mono<Outcome> outcome = (deliveryId != null)
				? delivered(deliveryId).switchIfEmpty(
						apply(payload).flatMap((applied) -> remember(deliveryId, applied).thenReturn(applied)))
				: apply(payload);
		return this.transaction.transactional(outcome)
			// the same webhook-id delivered twice at once: the later one finds the
			// first's
			// outcome
			.onErrorResume(DataIntegrityViolationException.class,
					(ex) -> (deliveryId != null) ? delivered(deliveryId).switchIfEmpty(Mono.error(ex)) : Mono.error(ex))
			.map((result) -> {
				Map<String, Object> response = new LinkedHashMap<>();
				response.put("success", result.success());
				response.put("message", result.message());
				response.put("clients", this.hub.connectedClients());
				return response;
			});
	}

	private Mono<Outcome> apply(WebhookPayload payload) {
		return this.db.sql("select count(*) from videos where id = :id")
			.bind("id", payload.videoId())
			.map((row) -> row.get(0, Long.class))
			.one()
			.flatMap((count) -> {
				if (count == 0) {
					return Mono.error(new NotFoundException("video '" + payload.videoId() + "' does not exist"));
				}
				if (payload.status() == null) {
					return Mono.just(new Outcome(true, payload.describe() + ": not a status change, nothing recorded"));
				}
				return this.notifications
					.append(payload.videoId(), payload.flowName(), payload.status(), payload.error(), null, SOURCE)
					.thenReturn(new Outcome(true, payload.describe() + ": recorded as " + payload.status().wireName()));
			});
	}

	private Mono<Outcome> delivered(String deliveryId) {
		return this.db.sql("select success, message from webhook_deliveries where webhook_id = :id")
			.bind("id", deliveryId)
			.map((row) -> new Outcome(Boolean.TRUE.equals(row.get("success", Boolean.class)),
					row.get("message", String.class) + " (delivery " + deliveryId + " was received before)"))
			.one();
	}

	private Mono<Void> remember(String deliveryId, Outcome outcome) {
		return this.db.sql(
				"insert into webhook_deliveries (webhook_id, success, message, received_at) values (:id, :success, :message, :at)")
			.bind("id", deliveryId)
			.bind("success", outcome.success())
			.bind("message", outcome.message())
			.bind("at", OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.then();
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unauthenticated(StandardWebhooks.WebhookAuthenticationException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, ex.getMessage());
		problem.setTitle("Webhook not authenticated");
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.body(problem);
	}

	private record Outcome(boolean success, String message) {
	}

}
