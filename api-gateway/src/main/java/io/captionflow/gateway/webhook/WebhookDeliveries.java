package io.captionflow.gateway.webhook;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The deliveries received, by their {@code webhook-id}, with what each came to: a
 * redelivery is answered with the first delivery's outcome instead of being applied
 * again. The {@code webhook_deliveries} table is this module's;
 * {@link WebhookDeliveryPruning} forgets deliveries past their retention.
 */
@Component
class WebhookDeliveries {

	private final DatabaseClient db;

	private final Clock clock;

	WebhookDeliveries(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/**
	 * What a delivery came to, if it was received before.
	 * @param key the delivery's key, of its source and id
	 * @return the outcome, or empty when it is new
	 */
	Mono<Outcome> find(String key) {
		return this.db.sql("select success, message from webhook_deliveries where webhook_id = :id")
			.bind("id", key)
			.map((row) -> new Outcome(Boolean.TRUE.equals(row.get("success", Boolean.class)),
					row.get("message", String.class)))
			.one();
	}

	/**
	 * Records what a delivery came to, in the caller's transaction: a second delivery of
	 * the same key at once fails on the key, and finds the first's outcome.
	 * @param key the delivery's key
	 * @param outcome what it came to
	 * @return completion
	 */
	Mono<Void> remember(String key, Outcome outcome) {
		return this.db.sql(
				"insert into webhook_deliveries (webhook_id, success, message, received_at) values (:id, :success, :message, :at)")
			.bind("id", key)
			.bind("success", outcome.success())
			.bind("message", outcome.message())
			.bind("at", OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.then();
	}

	/**
	 * What a delivery came to.
	 *
	 * @param success whether it was applied
	 * @param message what was recorded
	 */
	record Outcome(boolean success, String message) {
	}

}
