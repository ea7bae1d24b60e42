package io.captionflow.gateway.messaging;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import io.captionflow.events.Topic;
import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.gateway.web.LogText;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DeserializationException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Creates CaptionFlow's topics when missing (with the replication factor and
 * {@code min.insync.replicas} configured, else the broker's defaults), and handles
 * listener failures so that no record stops a consumer:
 * <ul>
 * <li>a record that cannot be read goes to the dead-letter topic at once, with
 * spring-kafka's headers naming the exception and the original topic, partition and
 * offset;</li>
 * <li>while the database is unreachable (a connection or transaction cannot be had, an
 * apply times out), the record is retried with backoff up to {@code 30 s} apart, for as
 * long as it takes: a result is never thrown away because the database was down;</li>
 * <li>any other failure is retried three times, then dead-lettered;</li>
 * <li>a record of a dead-letter topic is never dead-lettered again (that would republish
 * it to its own topic for ever): after its retries it is logged and skipped.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class KafkaConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(KafkaConfiguration.class);

	@Bean
	KafkaAdmin.NewTopics captionFlowTopics(MessagingProperties properties) {
		NewTopic[] topics = Topics.all()
			.stream()
			.flatMap((topic) -> Stream.of(topic.name(), topic.deadLetterName()))
			.map((name) -> topic(name, properties))
			.toArray(NewTopic[]::new);
		return new KafkaAdmin.NewTopics(topics);
	}

	private static NewTopic topic(String name, MessagingProperties properties) {
		TopicBuilder topic = TopicBuilder.name(name).partitions(properties.topicPartitions());
		Integer replicas = properties.topicReplicationFactor();
		if (replicas != null) {
			topic.replicas(replicas);
		}
		Integer minInsync = properties.topicMinInsyncReplicas();
		if (minInsync != null) {
			topic.config(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, minInsync.toString());
		}
		return topic.build();
	}

	@Bean
	DefaultErrorHandler listenerErrorHandler(KafkaOperations<Object, Object> kafka) {
		// the registry names the dead-letter topics (spring-kafka 4 would default to
		// "<topic>-dlt"); no destination for a dead letter itself
		DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka, (record, failure) -> {
			if (record.topic().endsWith(Topic.DEAD_LETTER_SUFFIX)) {
				logger.error("Dead letter {}-{}@{} could not be handled and is skipped: {}", record.topic(),
						record.partition(), record.offset(), LogText.escape(String.valueOf(failure.getMessage())));
				return null;
			}
			return new TopicPartition(Topics.forName(record.topic()).deadLetterName(), record.partition());
		});
		DefaultErrorHandler handler = new DefaultErrorHandler(recoverer, new ExponentialBackOff(200, 2.0));
		handler.setBackOffFunction(backOffs());
		handler.addNotRetryableExceptions(UnreadableEventException.class, DeserializationException.class);
		return handler;
	}

	/**
	 * The backoff for a failure: for as long as it takes while the database is away, a
	 * few attempts otherwise.
	 * @return the backoff of a failed record
	 */
	static BiFunction<ConsumerRecord<?, ?>, Exception, BackOff> backOffs() {
		return (record, failure) -> {
			if (databaseAway(failure)) {
				ExponentialBackOff untilBack = new ExponentialBackOff(500, 2.0);
				untilBack.setMaxInterval(30_000);
				return untilBack;
			}
			ExponentialBackOff few = new ExponentialBackOff(200, 2.0);
			few.setMaxAttempts(3);
			return few;
		};
	}

	/**
	 * Whether a failure says the database cannot be reached or did not answer in time,
	 * rather than that the record is at fault.
	 * @param failure the listener's failure
	 * @return true when the record should wait for the database
	 */
	static boolean databaseAway(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof TransientDataAccessException || cause instanceof DataAccessResourceFailureException
					|| cause instanceof CannotCreateTransactionException || cause instanceof R2dbcTransientException
					|| cause instanceof R2dbcNonTransientResourceException || cause instanceof TimeoutException
					|| cause instanceof IOException || cause instanceof RecordFailedException.ApplyTimedOut) {
				return true;
			}
		}
		return false;
	}

}
