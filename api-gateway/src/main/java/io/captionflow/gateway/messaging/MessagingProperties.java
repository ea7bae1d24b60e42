package io.captionflow.gateway.messaging;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's Kafka topics.
 *
 * @param topicPartitions partitions of the topics the gateway creates when missing
 */
@ConfigurationProperties("captionflow.gateway")
public record MessagingProperties(@DefaultValue("6") int topicPartitions) {
}
