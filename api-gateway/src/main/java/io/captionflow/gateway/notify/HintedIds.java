package io.captionflow.gateway.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * The newest ids hinted on the video-notifications topic: the last record of each
 * partition, read by a short-lived consumer of no group, bounded in time. What the
 * sequencers numbered and announced outlives a database that lost its last commits, so
 * these ids are evidence that the log went back.
 */
@Component
class HintedIds {

	private final ConsumerFactory<?, ?> consumers;

	HintedIds(ConsumerFactory<?, ?> consumers) {
		this.consumers = consumers;
	}

	/**
	 * Reads the last record of every partition of the topic.
	 * @param timeout how long it may take in all
	 * @return the ids and when they were hinted; unreadable when the topic could not be
	 * read in time
	 */
	Hints newest(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Properties overrides = new Properties();
		overrides.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
		overrides.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
		overrides.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
		overrides.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
		try (Consumer<?, ?> consumer = this.consumers.createConsumer(null, "notification-epoch-check", null,
				overrides)) {
			List<PartitionInfo> partitions = consumer.partitionsFor(Topics.VIDEO_NOTIFICATIONS.name(), left(deadline));
			if (partitions == null || partitions.isEmpty()) {
				// no topic yet: nothing was ever announced
				return new Hints(List.of(), true);
			}
			List<TopicPartition> assigned = partitions.stream()
				.map((partition) -> new TopicPartition(partition.topic(), partition.partition()))
				.toList();
			consumer.assign(assigned);
			Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, left(deadline));
			Map<TopicPartition, Long> begins = consumer.beginningOffsets(assigned, left(deadline));
			Map<TopicPartition, Long> waiting = new HashMap<>();
			List<TopicPartition> empty = new ArrayList<>();
			for (TopicPartition partition : assigned) {
				long end = ends.getOrDefault(partition, 0L);
				if (end > begins.getOrDefault(partition, 0L)) {
					consumer.seek(partition, end - 1);
					waiting.put(partition, end - 1);
				}
				else {
					empty.add(partition);
				}
			}
			consumer.pause(empty);
			List<Hint> hints = new ArrayList<>();
			while (!waiting.isEmpty() && System.nanoTime() < deadline) {
				for (ConsumerRecord<?, ?> record : consumer.poll(left(deadline))) {
					TopicPartition partition = new TopicPartition(record.topic(), record.partition());
					Long last = waiting.get(partition);
					if (last != null && record.offset() >= last) {
						waiting.remove(partition);
					}
					if (record.value() instanceof VideoNotification notification) {
						hints.add(new Hint(notification.id(), Instant.ofEpochMilli(record.timestamp())));
					}
				}
			}
			return new Hints(List.copyOf(hints), waiting.isEmpty());
		}
		catch (RuntimeException ex) {
			// the broker away, or slower than the timeout
			return new Hints(List.of(), false);
		}
	}

	private static Duration left(long deadline) {
		return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
	}

	/**
	 * What the topic holds at its end.
	 *
	 * @param newest the id of the last record of each partition, when it reads as one
	 * @param readable whether every partition could be read in time
	 */
	record Hints(List<Hint> newest, boolean readable) {
	}

	/**
	 * An id announced on the topic.
	 *
	 * @param id the id
	 * @param at the record's timestamp
	 */
	record Hint(long id, Instant at) {
	}

}
