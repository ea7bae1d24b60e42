package io.captionflow.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.captionflow.gateway.background.RoundLoop;
import io.captionflow.gateway.trace.Traces;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Publishes outbox rows to Kafka in id order on its own thread, never on the event loop
 * or in a request. A row is deleted only after the broker acknowledged it
 * ({@code acks=all}, idempotent producer); while the broker is unreachable the relay
 * backs off exponentially and the rows wait. With several gateway instances on one
 * database, one relay publishes at a time (a row lock taken per round), so the events of
 * a video keep their order. Each row is published in a span continuing the trace it was
 * written in, from the moment it was written, so a save's trace shows how long its event
 * waited here.
 */
@Component
class OutboxRelay extends RoundLoop {

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration LOCK_RETRY = Duration.ofMillis(100);

	private final DatabaseClient db;

	private final KafkaOperations<Object, Object> kafka;

	private final OutboxProperties settings;

	private final TransactionalOperator transaction;

	private final Traces traces;

	OutboxRelay(DatabaseClient db, KafkaOperations<Object, Object> kafka, TransactionalOperator transaction,
			OutboxProperties properties, Traces traces) {
		super("outbox-relay", new Timing(properties.batchSize(), properties.pollInterval(), LOCK_RETRY,
				properties.minBackoff(), properties.maxBackoff(), SEND_TIMEOUT));
		this.db = db;
		this.kafka = kafka;
		this.transaction = transaction;
		this.settings = properties;
		this.traces = traces;
	}

	/**
	 * Publishes one batch of rows and deletes those acknowledged, in one transaction that
	 * holds the relay lock: while another gateway instance's relay holds it, this one
	 * publishes nothing, so a video's events keep their order.
	 * @return the number of rows published, or {@link #LOCKED_ELSEWHERE} when another
	 * relay holds the lock
	 * @throws InterruptedException when the relay is stopped while waiting
	 */
	@Override
	protected int round() throws InterruptedException {
		Round round = this.transaction
			.transactional(this.db.sql("select id from outbox_relay_lock where id = 1 for update skip locked")
				.map((row) -> row.get("id", Integer.class))
				.all()
				.collectList()
				.flatMap((locked) -> locked.isEmpty() ? Mono.just(Round.LOCKED) : publishBatch()))
			.block(ROUND_TIMEOUT);
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		RuntimeException failure = (round != null) ? round.failure() : null;
		if (failure != null) {
			throw failure;
		}
		return (round != null) ? round.published() : 0;
	}

	private Mono<Round> publishBatch() {
		// the rows stay locked while they are sent: a save replacing one of them leaves
		// it be
		return this.db.sql("""
				select id, topic, event_key, payload, trace_parent, created_at from outbox
				order by id limit :limit for update skip locked""")
			.bind("limit", this.settings.batchSize())
			.map((row) -> new OutboxRow(row.get("id", Long.class), row.get("topic", String.class),
					row.get("event_key", String.class), row.get("payload", String.class),
					row.get("trace_parent", String.class), row.get("created_at", OffsetDateTime.class)))
			.all()
			.collectList()
			.flatMap((rows) -> {
				if (rows.isEmpty()) {
					return Mono.just(new Round(0, null));
				}
				// sent off the event loop: the producer may block while the broker is
				// away
				return Mono.fromCallable(() -> send(rows)).subscribeOn(Schedulers.boundedElastic()).flatMap((sent) -> {
					Mono<Long> delete = sent.acknowledged().isEmpty() ? Mono.just(0L)
							: this.db.sql("delete from outbox where id in (:ids)")
								.bind("ids", sent.acknowledged())
								.fetch()
								.rowsUpdated();
					return delete.thenReturn(new Round(rows.size(), sent.failure()));
				});
			});
	}

	private Sent send(List<OutboxRow> rows) {
		List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
		RuntimeException failure = null;
		for (OutboxRow row : rows) {
			try {
				sends.add(this.traces.continuing(row.traceParent(), "outbox " + row.topic(),
						row.createdAt().toInstant(),
						() -> this.kafka.send(row.topic(), row.key(), row.payload().getBytes(StandardCharsets.UTF_8))));
			}
			catch (RuntimeException ex) {
				// no metadata within max.block.ms: the broker is away; later rows wait
				// too
				failure = new IllegalStateException(
						"publishing outbox row " + row.id() + " to " + row.topic() + " failed: " + ex.getMessage(), ex);
				break;
			}
		}
		List<Long> acknowledged = new ArrayList<>(sends.size());
		for (int i = 0; i < sends.size(); i++) {
			try {
				sends.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				acknowledged.add(rows.get(i).id());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				failure = new IllegalStateException("the outbox relay was stopped while publishing", ex);
				break;
			}
			catch (ExecutionException | TimeoutException ex) {
				if (failure == null) {
					failure = new IllegalStateException("publishing outbox row " + rows.get(i).id() + " to "
							+ rows.get(i).topic() + " failed: " + ex.getMessage(), ex);
				}
			}
		}
		return new Sent(acknowledged, failure);
	}

	private record OutboxRow(long id, String topic, String key, String payload, @Nullable String traceParent,
			OffsetDateTime createdAt) {
	}

	private record Sent(List<Long> acknowledged, @Nullable RuntimeException failure) {
	}

	private record Round(int published, @Nullable RuntimeException failure) {

		static final Round LOCKED = new Round(LOCKED_ELSEWHERE, null);

	}

}
