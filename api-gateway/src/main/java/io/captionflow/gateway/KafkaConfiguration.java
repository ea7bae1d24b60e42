package io.captionflow.gateway;

import java.util.stream.Stream;

import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Creates CaptionFlow's topics when missing (replication as the broker's default), and
 * handles listener failures: retries with backoff, then the dead-letter topic; unreadable
 * records go there at once.
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	@Bean
	KafkaAdmin.NewTopics captionFlowTopics(GatewayProperties properties) {
		NewTopic[] topics = Topics.all()
			.stream()
			.flatMap((topic) -> Stream.of(topic.name(), topic.deadLetterName()))
			.map((name) -> TopicBuilder.name(name).partitions(properties.topicPartitions()).build())
			.toArray(NewTopic[]::new);
		return new KafkaAdmin.NewTopics(topics);
	}

	@Bean
	DefaultErrorHandler listenerErrorHandler(KafkaOperations<Object, Object> kafka) {
		ExponentialBackOff backOff = new ExponentialBackOff(200, 2.0);
		backOff.setMaxElapsedTime(10_000);
		// the registry names the dead-letter topics (spring-kafka 4 would default to
		// "<topic>-dlt")
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, (record,
				failure) -> new TopicPartition(Topics.forName(record.topic()).deadLetterName(), record.partition()));
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, backOff);
		handler.addNotRetryableExceptions(UnreadableEventException.class);
		return handler;
	}

}
