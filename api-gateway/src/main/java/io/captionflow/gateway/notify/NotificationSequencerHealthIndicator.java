package io.captionflow.gateway.notify;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.captionflow.gateway.background.RoundLoopHealth;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The health of the notification sequencer ({@code notificationSequencer}): {@code DOWN}
 * when its thread does not run, {@code LAGGING} when a committed notification has waited
 * for its id longer than {@code notifications.max-wait}; the notifications not yet
 * numbered and the oldest one's wait in its details and in the gauges
 * {@code captionflow.sequencer.waiting} and {@code captionflow.sequencer.oldest.age}.
 * (With several instances one sequencer numbers at a time; each instance's health tells
 * of its own thread and of the shared log.)
 */
@Component
class NotificationSequencerHealthIndicator extends RoundLoopHealth {

	private final DatabaseClient db;

	NotificationSequencerHealthIndicator(NotificationSequencer sequencer, DatabaseClient db,
			NotifyProperties properties, Clock clock, MeterRegistry meters) {
		super(sequencer, properties.notifications().maxWait(), clock, "captionflow.sequencer", meters);
		this.db = db;
	}

	@Override
	protected Mono<Backlog> backlog() {
		return this.db
			.sql("select count(*) as waiting, min(created_at) as oldest from flow_notifications where seq is null")
			.map((row) -> new Backlog(row.get("waiting", Long.class),
					Optional.ofNullable(row.get("oldest", OffsetDateTime.class)).map(OffsetDateTime::toInstant)))
			.one();
	}

}
