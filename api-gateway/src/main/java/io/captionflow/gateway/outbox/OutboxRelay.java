package io.captionflow.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.captionflow.gateway.GatewayProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Publishes outbox rows to Kafka in id order on its own thread, never on the event loop
 * or in a request. A row is deleted only after the broker acknowledged it
 * ({@code acks=all}, idempotent producer); while the broker is unreachable the relay
 * backs off exponentially and the rows wait.
 */
@Component
class OutboxRelay implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(OutboxRelay.class);

	private static final Duration DB_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

	private final DatabaseClient db;

	private final KafkaOperations<Object, Object> kafka;

	private final GatewayProperties.Outbox settings;

	private final Semaphore wakeups = new Semaphore(0);

	private volatile boolean running;

	private Thread thread;

	OutboxRelay(DatabaseClient db, KafkaOperations<Object, Object> kafka, GatewayProperties properties) {
		this.db = db;
		this.kafka = kafka;
		this.settings = properties.outbox();
	}

	/**
	 * Makes the relay look for rows now rather than at its next poll.
	 */
	void wake() {
		this.wakeups.release();
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.thread = Thread.ofPlatform().name("outbox-relay").daemon().start(this::run);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.thread != null) {
			this.thread.interrupt();
			try {
				this.thread.join(SEND_TIMEOUT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// stop before the Kafka producer and the connection pool go away
		return Integer.MAX_VALUE - 1000;
	}

	private void run() {
		Duration backoff = this.settings.minBackoff();
		boolean failing = false;
		while (this.running) {
			try {
				int published = relayBatch();
				if (failing) {
					logger.info("Outbox relay recovered: publishing again");
					failing = false;
				}
				backoff = this.settings.minBackoff();
				if (published < this.settings.batchSize()) {
					this.wakeups.tryAcquire(this.settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
					this.wakeups.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (!failing) {
					logger.warn("Outbox relay cannot publish, retrying with backoff: {}", ex.toString());
					failing = true;
				}
				else {
					logger.debug("Outbox relay still failing", ex);
				}
				try {
					Thread.sleep(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = min(backoff.multipliedBy(2), this.settings.maxBackoff());
			}
		}
	}

	/**
	 * Publishes one batch of rows and deletes those acknowledged.
	 * @return the number of rows published
	 * @throws InterruptedException when the relay is stopped while waiting
	 */
	int relayBatch() throws InterruptedException {
		List<OutboxRow> rows = this.db.sql("select id, topic, event_key, payload from outbox order by id limit :limit")
			.bind("limit", this.settings.batchSize())
			.map((row) -> new OutboxRow(row.get("id", Long.class), row.get("topic", String.class),
					row.get("event_key", String.class), row.get("payload", String.class)))
			.all()
			.collectList()
			.block(DB_TIMEOUT);
		if (rows == null || rows.isEmpty()) {
			return 0;
		}
		List<CompletableFuture<?>> sends = new ArrayList<>(rows.size());
		for (OutboxRow row : rows) {
			sends.add(this.kafka.send(row.topic(), row.key(), row.payload().getBytes(StandardCharsets.UTF_8)));
		}
		List<Long> acknowledged = new ArrayList<>(rows.size());
		RuntimeException failure = null;
		for (int i = 0; i < rows.size(); i++) {
			try {
				sends.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				acknowledged.add(rows.get(i).id());
			}
			catch (ExecutionException | TimeoutException ex) {
				if (failure == null) {
					failure = new IllegalStateException("publishing outbox row " + rows.get(i).id() + " to "
							+ rows.get(i).topic() + " failed: " + ex.getMessage(), ex);
				}
			}
		}
		if (!acknowledged.isEmpty()) {
			this.db.sql("delete from outbox where id in (:ids)")
				.bind("ids", acknowledged)
				.fetch()
				.rowsUpdated()
				.block(DB_TIMEOUT);
		}
		if (failure != null) {
			throw failure;
		}
		return rows.size();
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private record OutboxRow(long id, String topic, String key, String payload) {
	}

}
