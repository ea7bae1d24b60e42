package io.captionflow.gateway.webhook;

import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.NotFoundException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

/**
 * Counts webhooks, {@code captionflow.webhooks{outcome, reason}}: {@code accepted}
 * ({@code recorded}, {@code no-change} for a state that changes nothing,
 * {@code duplicate} for a {@code webhook-id} received before) or {@code refused}
 * ({@code unauthenticated}, {@code flow-not-allowed}, {@code invalid},
 * {@code unknown-video}, {@code failed}). A request refused before it reaches the
 * controller (over the rate limit or the size limit, of another content type) is counted
 * where it is refused, by the abuse limits or in {@code http.server.requests}.
 */
@Component
class WebhookMetrics {

	private final Counter recorded;

	private final Counter noChange;

	private final Counter duplicate;

	private final Counter unauthenticated;

	private final Counter notAllowed;

	private final Counter invalid;

	private final Counter unknownVideo;

	private final Counter failed;

	WebhookMetrics(MeterRegistry meters) {
		this.recorded = counter(meters, "accepted", "recorded");
		this.noChange = counter(meters, "accepted", "no-change");
		this.duplicate = counter(meters, "accepted", "duplicate");
		this.unauthenticated = counter(meters, "refused", "unauthenticated");
		this.notAllowed = counter(meters, "refused", "flow-not-allowed");
		this.invalid = counter(meters, "refused", "invalid");
		this.unknownVideo = counter(meters, "refused", "unknown-video");
		this.failed = counter(meters, "refused", "failed");
	}

	private static Counter counter(MeterRegistry meters, String outcome, String reason) {
		return Counter.builder("captionflow.webhooks")
			.description("Webhooks received, by outcome and reason")
			.tag("outcome", outcome)
			.tag("reason", reason)
			.register(meters);
	}

	void accepted(Kind kind) {
		switch (kind) {
			case RECORDED -> this.recorded.increment();
			case NO_CHANGE -> this.noChange.increment();
			case DUPLICATE -> this.duplicate.increment();
		}
	}

	void refused(Throwable failure) {
		Counter counter = switch (failure) {
			case WebhookAuthenticationException ex -> this.unauthenticated;
			case FlowNotAllowedException ex -> this.notAllowed;
			case InvalidRequestException ex -> this.invalid;
			case NotFoundException ex -> this.unknownVideo;
			default -> this.failed;
		};
		counter.increment();
	}

	/** How a webhook was accepted. */
	enum Kind {

		/** Its status change was recorded. */
		RECORDED,

		/** A state that changes nothing (Paused, Cancelling). */
		NO_CHANGE,

		/**
		 * Its {@code webhook-id} was received before: answered with the first outcome.
		 */
		DUPLICATE

	}

}
