package io.captionflow.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.PlainText;
import io.captionflow.gateway.notify.NotificationHub;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.video.Videos;
import io.captionflow.gateway.webhook.WebhookDeliveries.Outcome;
import jakarta.validation.Validator;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * Accepts job-status webhooks from external systems (see {@link StatusWebhook} and
 * {@link PrefectWebhook} for the shapes), appends them to the notification log and
 * answers {@code {success, message, clients}} ({@link Receipt}), {@code clients} being
 * the live SSE connections of this instance.
 * <p>
 * A request is from the {@link WebhookSources source} whose credential it carries (401
 * when it carries none where one is required, or one that is no source's), and may post
 * only for the flows that source is allowed (403 otherwise); its notification's source is
 * {@code webhook:<name>}. A request whose {@code webhook-id} the same source sent before
 * is answered with the original outcome and appends nothing. A rejected request stores
 * nothing.
 */
@RestController
class PrefectWebhookController {

	private final NotificationLog notifications;

	private final NotificationHub hub;

	private final Videos videos;

	private final WebhookDeliveries deliveries;

	private final TransactionalOperator transaction;

	private final WebhookPayloadReader payloads;

	private final WebhookSources sources;

	private final WebhookMetrics metrics;

	PrefectWebhookController(NotificationLog notifications, NotificationHub hub, Videos videos,
			WebhookDeliveries deliveries, TransactionalOperator transaction, JsonMapper json, Validator validator,
			WebhookSources sources, WebhookMetrics metrics) {
		this.metrics = metrics;
		this.notifications = notifications;
		this.hub = hub;
		this.videos = videos;
		this.deliveries = deliveries;
		this.transaction = transaction;
		this.payloads = new WebhookPayloadReader(json, validator);
		this.sources = sources;
	}

	@PostMapping(path = "/api/webhooks/prefect", consumes = MediaType.APPLICATION_JSON_VALUE)
	Mono<Receipt> receive(@RequestBody(required = false) byte[] body,
			@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
			@RequestHeader(name = StandardWebhooks.ID, required = false) String webhookId,
			@RequestHeader(name = StandardWebhooks.TIMESTAMP, required = false) String timestamp,
			@RequestHeader(name = StandardWebhooks.SIGNATURE, required = false) String signature) {
		try {
			return accept(body, authorization, webhookId, timestamp, signature)
				.doOnNext((outcome) -> this.metrics.accepted(outcome.kind()))
				.doOnError(this.metrics::refused)
				.map((result) -> new Receipt(result.outcome().success(), result.outcome().message(),
						this.hub.connectedClients()));
		}
		catch (RuntimeException ex) {
			this.metrics.refused(ex);
			throw ex;
		}
	}

	private Mono<Counted> accept(byte[] body, String authorization, String webhookId, String timestamp,
			String signature) {
		byte[] content = (body != null) ? body : new byte[0];
		// the signature is over the bytes as sent: checked before they are read as JSON
		WebhookSource source = this.sources.authenticate(authorization, webhookId, timestamp, signature, content);
		WebhookPayload payload = this.payloads.read(content);
		if (!source.allows(payload.flowName())) {
			throw new FlowNotAllowedException(source, payload.flowName());
		}
		String deliveryId = (webhookId != null && !webhookId.isBlank()) ? webhookId.strip() : null;
		if (deliveryId != null && deliveryId.length() > 200) {
			throw new InvalidRequestException(StandardWebhooks.ID, "must be at most 200 characters");
		}
		if (deliveryId != null && deliveryId.chars().anyMatch(Character::isISOControl)) {
			throw new InvalidRequestException(StandardWebhooks.ID, PlainText.SINGLE_LINE_MESSAGE);
		}
		return (deliveryId != null) ? once(payload, source, deliveryId)
				: this.transaction.transactional(apply(payload, source));
	}

	/**
	 * A delivery with an id: applied once, a redelivery answered with the first's
	 * outcome.
	 */
	private Mono<Counted> once(WebhookPayload payload, WebhookSource source, String deliveryId) {
		String deliveryKey = source.deliveryKey(deliveryId);
		Mono<Counted> outcome = delivered(deliveryKey, deliveryId).switchIfEmpty(apply(payload, source)
			.flatMap((applied) -> this.deliveries.remember(deliveryKey, applied.outcome()).thenReturn(applied)));
		return this.transaction.transactional(outcome)
			// the same webhook-id delivered twice at once: the later one finds the
			// first's outcome
			.onErrorResume(DataIntegrityViolationException.class,
					(ex) -> delivered(deliveryKey, deliveryId).switchIfEmpty(Mono.error(ex)));
	}

	private Mono<Counted> apply(WebhookPayload payload, WebhookSource source) {
		return this.videos.exists(payload.videoId()).flatMap((exists) -> {
			if (!exists) {
				return Mono.error(Videos.notFound(payload.videoId()));
			}
			if (payload.status() == null) {
				return Mono
					.just(new Counted(new Outcome(true, payload.describe() + ": not a status change, nothing recorded"),
							WebhookMetrics.Kind.NO_CHANGE));
			}
			return this.notifications
				.append(payload.videoId(), payload.flowName(), payload.status(), payload.error(), null,
						source.notificationSource())
				.thenReturn(new Counted(
						new Outcome(true, payload.describe() + ": recorded as " + payload.status().wireName()),
						WebhookMetrics.Kind.RECORDED));
		});
	}

	private Mono<Counted> delivered(String deliveryKey, String deliveryId) {
		return this.deliveries.find(deliveryKey)
			.map((first) -> new Counted(
					new Outcome(first.success(),
							first.message() + " (delivery " + deliveryId + " was received before)"),
					WebhookMetrics.Kind.DUPLICATE));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> unauthenticated(WebhookAuthenticationException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, ex.getMessage());
		problem.setTitle("Webhook not authenticated");
		return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> forbidden(FlowNotAllowedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, ex.getMessage());
		problem.setTitle("Flow not allowed for this webhook source");
		problem.setProperty("source", ex.source());
		problem.setProperty("flowName", ex.flowName());
		return ResponseEntity.status(HttpStatus.FORBIDDEN)
			.header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_PROBLEM_JSON_VALUE)
			.body(problem);
	}

	/**
	 * The answer to an accepted webhook.
	 *
	 * @param success whether it was applied (or had been, for a redelivery)
	 * @param message what was recorded
	 * @param clients the live SSE connections of this instance
	 */
	@JsonPropertyOrder({ "success", "message", "clients" })
	record Receipt(boolean success, String message, int clients) {
	}

	/** An outcome and how it is counted. */
	private record Counted(Outcome outcome, WebhookMetrics.Kind kind) {
	}

}
