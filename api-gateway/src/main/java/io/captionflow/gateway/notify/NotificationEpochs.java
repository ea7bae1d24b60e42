package io.captionflow.gateway.notify;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * The epoch of the notification log, in its one row of {@code notification_epoch}: read,
 * created at the first start, and replaced when the log went back. A replacement is a
 * compare-and-set on the old value, so of several instances that find the same evidence
 * one changes the epoch and the others take its value.
 */
@Component
class NotificationEpochs {

	/**
	 * Epochs stay below 2^53: exact as a JavaScript number, should a client parse one.
	 */
	private static final long BOUND = 1L << 53;

	private final DatabaseClient db;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	NotificationEpochs(DatabaseClient db, Clock clock) {
		this.db = db;
		this.clock = clock;
	}

	/**
	 * The current epoch, created when the log has none yet (the first start).
	 * @return the epoch
	 */
	Mono<Epoch> current() {
		return read().switchIfEmpty(Mono.defer(() -> this.db.sql("""
				insert into notification_epoch (id, epoch, changed_at)
				select 1, :epoch, :at where not exists (select 1 from notification_epoch where id = 1)""")
			.bind("epoch", next(Epoch.NONE))
			.bind("at", OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			// another instance created it first
			.onErrorResume((ex) -> Mono.just(0L))
			.then(read())));
	}

	/**
	 * Replaces the epoch, unless it is no longer {@code old}.
	 * @param old the epoch found to be over
	 * @return the epoch now current: the new one, or the one that replaced {@code old}
	 * first
	 */
	Mono<Epoch> replace(long old) {
		long epoch = next(old);
		Instant now = this.clock.instant();
		return this.db
			.sql("update notification_epoch set epoch = :epoch, changed_at = :at where id = 1 and epoch = :old")
			.bind("epoch", epoch)
			.bind("at", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
			.bind("old", old)
			.fetch()
			.rowsUpdated()
			.flatMap((changed) -> (changed == 1) ? Mono.just(new Epoch(epoch, now)) : current());
	}

	private Mono<Epoch> read() {
		return this.db.sql("select epoch, changed_at from notification_epoch where id = 1")
			.map((row) -> new Epoch(row.get("epoch", Long.class),
					row.get("changed_at", OffsetDateTime.class).toInstant()))
			.one();
	}

	private long next(long old) {
		long epoch;
		do {
			epoch = this.random.nextLong(1, BOUND);
		}
		while (epoch == old);
		return epoch;
	}

	/**
	 * An epoch of the log.
	 *
	 * @param value the epoch, positive
	 * @param since when it was set: records hinted on the topic before then are of an
	 * older lineage
	 */
	record Epoch(long value, Instant since) {

		/** No epoch: what a new one never equals. */
		static final long NONE = 0;

	}

}
