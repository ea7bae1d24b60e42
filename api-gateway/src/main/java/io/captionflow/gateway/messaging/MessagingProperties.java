package io.captionflow.gateway.messaging;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's Kafka topics, and the consumer groups whose lag it measures.
 *
 * @param topicPartitions partitions of the topics the gateway creates when missing
 * @param topicReplicationFactor replicas of each partition of the topics it creates; null
 * for the broker's {@code default.replication.factor} (1 on a stock broker, where
 * {@code acks=all} then protects nothing: set 3 on a cluster of three or more)
 * @param topicMinInsyncReplicas the topics' {@code min.insync.replicas}: how many
 * replicas must have a record before {@code acks=all} answers; null for the broker's (2
 * with a replication factor of 3 survives one broker down without losing an acknowledged
 * record)
 * @param consumerLag the consumer groups measured, and how often
 */
@ConfigurationProperties("captionflow.gateway")
public record MessagingProperties(@DefaultValue("6") int topicPartitions, @Nullable Integer topicReplicationFactor,
		@Nullable Integer topicMinInsyncReplicas, @DefaultValue ConsumerLag consumerLag) {

	public MessagingProperties {
		if (topicPartitions < 1 || topicPartitions > 10_000) {
			throw new IllegalArgumentException(
					"captionflow.gateway.topic-partitions must be 1 to 10000, not " + topicPartitions);
		}
		if (topicReplicationFactor != null
				&& (topicReplicationFactor < 1 || topicReplicationFactor > Short.MAX_VALUE)) {
			throw new IllegalArgumentException("captionflow.gateway.topic-replication-factor must be 1 to "
					+ Short.MAX_VALUE + ", not " + topicReplicationFactor);
		}
		if (topicMinInsyncReplicas != null && (topicMinInsyncReplicas < 1
				|| (topicReplicationFactor != null && topicMinInsyncReplicas > topicReplicationFactor))) {
			throw new IllegalArgumentException("captionflow.gateway.topic-min-insync-replicas must be 1 to "
					+ "the replication factor, not " + topicMinInsyncReplicas
					+ ((topicReplicationFactor != null) ? " (replication factor " + topicReplicationFactor + ")" : ""));
		}
	}

	/**
	 * The consumer groups whose lag {@code captionflow.kafka.consumer.lag} reports.
	 *
	 * @param groups the groups: the workers' and the gateways'
	 * @param interval how often their offsets are read
	 */
	public record ConsumerLag(@DefaultValue( {
			"ocr-workers", "gateway" }) List<String> groups, @DefaultValue("15s") Duration interval){

		public ConsumerLag {
			groups = List.copyOf(groups);
			if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
				throw new IllegalArgumentException(
						"captionflow.gateway.consumer-lag.interval must be at least 1s, not " + interval);
			}
		}

	}

}
