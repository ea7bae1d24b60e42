package io.captionflow.gateway.outbox;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.captionflow.events.EventJson;
import io.captionflow.events.Topic;
import io.captionflow.gateway.background.AfterCommit;
import io.captionflow.gateway.trace.Traces;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Appends events to the outbox inside the caller's transaction: they are published if and
 * only if that transaction commits. Nothing here talks to Kafka. A row keeps the trace it
 * was written in, which the relay continues when it publishes it.
 */
@Component
public class Outbox {

	private final DatabaseClient db;

	private final OutboxRelay relay;

	private final Clock clock;

	private final Traces traces;

	Outbox(DatabaseClient db, OutboxRelay relay, Clock clock, Traces traces) {
		this.db = db;
		this.relay = relay;
		this.clock = clock;
		this.traces = traces;
	}

	/**
	 * Appends several events for a topic in one statement, in the order given, each in a
	 * trace of its own (a notification's, published in the trace of the change it
	 * announces).
	 * @param topic the topic
	 * @param key the record key of an event (its video id)
	 * @param events the events
	 * @param traceParent the W3C {@code traceparent} an event is published in, or null
	 * for none
	 * @param <V> the topic's value type
	 * @return completion
	 */
	public <V> Mono<Void> appendAll(Topic<String, V> topic, Function<V, String> key, List<V> events,
			Function<V, @Nullable String> traceParent) {
		if (events.isEmpty()) {
			return Mono.empty();
		}
		StringBuilder sql = new StringBuilder(
				"insert into outbox (topic, event_key, payload, trace_parent, created_at) values ");
		for (int i = 0; i < events.size(); i++) {
			sql.append((i > 0) ? ", " : "")
				.append("(:topic, :key")
				.append(i)
				.append(", :payload")
				.append(i)
				.append(", :traceParent")
				.append(i)
				.append(", :at)");
		}
		DatabaseClient.GenericExecuteSpec insert = this.db.sql(sql.toString())
			.bind("topic", topic.name())
			.bind("at", OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC));
		for (int i = 0; i < events.size(); i++) {
			V event = events.get(i);
			insert = bindTraceParent(
					insert.bind("key" + i, key.apply(event))
						.bind("payload" + i, new String(EventJson.write(event), StandardCharsets.UTF_8)),
					"traceParent" + i, traceParent.apply(event));
		}
		return insert.fetch().rowsUpdated().then(AfterCommit.run(this.relay::wake));
	}

	/**
	 * Appends a caption's event for a topic in place of any of its events for that topic
	 * not yet published: several saves of a caption while its request waits publish only
	 * the newest. (A row the relay is sending at this moment still goes out; the
	 * caption's revision makes its result harmless.)
	 * @param topic the topic
	 * @param key the record key (the video id)
	 * @param captionId the caption
	 * @param event the event
	 * @param <V> the topic's value type
	 * @return completion
	 */
	public <V> Mono<Void> replace(Topic<String, V> topic, String key, long captionId, V event) {
		String payload = new String(EventJson.write(event), StandardCharsets.UTF_8);
		return discard(topic, captionId).then(this.traces.current())
			.flatMap((trace) -> traceParent(this.db.sql("""
					insert into outbox (topic, event_key, caption_id, payload, trace_parent, created_at)
					values (:topic, :key, :captionId, :payload, :traceParent, :at)""")
				.bind("topic", topic.name())
				.bind("key", key)
				.bind("captionId", captionId)
				.bind("payload", payload)
				.bind("at", OffsetDateTime.ofInstant(this.clock.instant(), ZoneOffset.UTC)), trace).fetch()
				.rowsUpdated())
			.then(AfterCommit.run(this.relay::wake));
	}

	private static DatabaseClient.GenericExecuteSpec traceParent(DatabaseClient.GenericExecuteSpec insert,
			Optional<Traces.Trace> trace) {
		return bindTraceParent(insert, "traceParent", trace.map(Traces.Trace::traceparent).orElse(null));
	}

	private static DatabaseClient.GenericExecuteSpec bindTraceParent(DatabaseClient.GenericExecuteSpec insert,
			String name, @Nullable String traceParent) {
		// the column's length: a value read back from a row is checked again
		return (traceParent != null && traceParent.length() <= Traces.MAX_TRACEPARENT) ? insert.bind(name, traceParent)
				: insert.bindNull(name, String.class);
	}

	/**
	 * Drops a caption's events for a topic that are not published yet. One that the relay
	 * is publishing at this moment is left to it.
	 * @param topic the topic
	 * @param captionId the caption
	 * @return the number of rows dropped
	 */
	public Mono<Long> discard(Topic<String, ?> topic, long captionId) {
		// a row the relay holds is being published right now: leave it to the relay
		// rather than wait for its round
		return this.db
			.sql("select id from outbox where caption_id = :captionId and topic = :topic for update skip locked")
			.bind("captionId", captionId)
			.bind("topic", topic.name())
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList()
			.flatMap((ids) -> ids.isEmpty() ? Mono.just(0L)
					: this.db.sql("delete from outbox where id in (:ids)").bind("ids", ids).fetch().rowsUpdated());
	}

	/**
	 * The captions, among some, that have events waiting in the outbox to be published.
	 * @param captionIds the captions
	 * @return those with waiting events
	 */
	public Mono<Set<Long>> waiting(Collection<Long> captionIds) {
		if (captionIds.isEmpty()) {
			return Mono.just(Set.of());
		}
		return this.db.sql("select distinct caption_id from outbox where caption_id in (:ids)")
			.bind("ids", captionIds)
			.map((row) -> row.get("caption_id", Long.class))
			.all()
			.collect(Collectors.toSet());
	}

}
