package io.captionflow.gateway.outbox;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.captionflow.gateway.background.RoundLoopHealth;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The health of the outbox relay ({@code outboxRelay}): {@code DOWN} when its thread does
 * not run, {@code LAGGING} when a row has waited in the outbox longer than
 * {@code outbox.max-wait}; the rows waiting and the oldest one's wait in its details and
 * in the gauges {@code captionflow.outbox.waiting} and
 * {@code captionflow.outbox.oldest.age}.
 */
@Component
class OutboxRelayHealthIndicator extends RoundLoopHealth {

	private final DatabaseClient db;

	OutboxRelayHealthIndicator(OutboxRelay relay, DatabaseClient db, OutboxProperties properties, Clock clock,
			MeterRegistry meters) {
		super(relay, properties.maxWait(), clock, "captionflow.outbox", meters);
		this.db = db;
	}

	@Override
	protected Mono<Backlog> backlog() {
		return this.db.sql("select count(*) as waiting, min(created_at) as oldest from outbox")
			.map((row) -> new Backlog(row.get("waiting", Long.class),
					Optional.ofNullable(row.get("oldest", OffsetDateTime.class)).map(OffsetDateTime::toInstant)))
			.one();
	}

}
