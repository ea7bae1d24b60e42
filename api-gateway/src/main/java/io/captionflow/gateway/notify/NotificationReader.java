package io.captionflow.gateway.notify;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Objects;

import io.captionflow.events.VideoNotification;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Reads the numbered notification log in id order.
 */
@Component
class NotificationReader {

	static final String COLUMNS = "seq, video_id, flow_name, status, error, caption_id, source, created_at, trace_id";

	private final DatabaseClient db;

	NotificationReader(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Reads numbered notifications in id order.
	 * @param after only ids above this one
	 * @param upTo only ids up to this one
	 * @param videoIds only these videos; all when empty
	 * @param limit the most notifications read
	 * @return the notifications
	 */
	Flux<VideoNotification> read(long after, long upTo, Collection<String> videoIds, int limit) {
		String byVideo = videoIds.isEmpty() ? "" : " and video_id in (:videoIds)";
		DatabaseClient.GenericExecuteSpec select = this.db
			.sql("select " + COLUMNS + " from flow_notifications where seq > :after and seq <= :upTo" + byVideo
					+ " order by seq limit :limit")
			.bind("after", after)
			.bind("upTo", upTo)
			.bind("limit", limit);
		if (!videoIds.isEmpty()) {
			select = select.bind("videoIds", videoIds);
		}
		return select.map(NotificationReader::notification).all();
	}

	/**
	 * Reads numbered notifications in id order with the log's epoch and span, in one
	 * statement: what it reads is of the epoch it reads, however the log changes
	 * meanwhile.
	 * @param after only ids above this one
	 * @param limit the most notifications read
	 * @return the page; empty when the log has no epoch yet
	 */
	Mono<NotificationTail.Page> page(long after, int limit) {
		return this.db
			.sql("select e.epoch as log_epoch, s.oldest as log_oldest, s.newest as log_newest, n.* "
					+ "from notification_epoch e "
					+ "cross join (select coalesce(min(seq), 0) as oldest, coalesce(max(seq), 0) as newest "
					+ "from flow_notifications) s " + "left join (select " + COLUMNS
					+ " from flow_notifications where seq > :after order by seq limit :limit) n "
					+ "on 1 = 1 where e.id = 1 order by n.seq")
			.bind("after", after)
			.bind("limit", limit)
			.map((row) -> new Row(row.get("log_epoch", Long.class), row.get("log_oldest", Long.class),
					row.get("log_newest", Long.class), (row.get("seq", Long.class) != null) ? notification(row) : null))
			.all()
			.collectList()
			.filter((rows) -> !rows.isEmpty())
			.map((rows) -> new NotificationTail.Page(rows.get(0).epoch(), rows.get(0).oldest(), rows.get(0).newest(),
					rows.stream().map(Row::notification).filter(Objects::nonNull).toList()));
	}

	/**
	 * The ids the log holds now.
	 * @return the oldest retained and the newest id
	 */
	Mono<Span> span() {
		return this.db
			.sql("select coalesce(min(seq), 0) as oldest, coalesce(max(seq), 0) as newest from flow_notifications")
			.map((row) -> new Span(row.get("oldest", Long.class), row.get("newest", Long.class)))
			.one();
	}

	static VideoNotification notification(Readable row) {
		return new VideoNotification(VideoNotification.SCHEMA_VERSION, row.get("seq", Long.class),
				row.get("video_id", String.class), row.get("flow_name", String.class),
				VideoNotification.Status.fromWireName(row.get("status", String.class)), row.get("error", String.class),
				row.get("caption_id", Long.class), row.get("created_at", OffsetDateTime.class).toInstant(),
				row.get("source", String.class), row.get("trace_id", String.class));
	}

	private record Row(long epoch, long oldest, long newest, @Nullable VideoNotification notification) {
	}

	/**
	 * The ids a log holds.
	 *
	 * @param oldest the oldest retained id, 0 when none
	 * @param newest the newest id ever numbered (the newest is never pruned), 0 when none
	 */
	record Span(long oldest, long newest) {
	}

}
