package io.captionflow.worker.report;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Publishes flow events and returns only once the broker has acknowledged them, so that
 * the request's offset is committed after its outcome is safe.
 */
@Component
public class FlowReporter {

	private static final Logger logger = LoggerFactory.getLogger(FlowReporter.class);

	private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

	private final KafkaOperations<Object, Object> kafka;

	FlowReporter(KafkaOperations<Object, Object> kafka) {
		this.kafka = kafka;
	}

	/**
	 * Publishes a flow event, keyed by its video, and waits for the acknowledgement.
	 * @param event the event
	 * @throws ReportFailedException when the broker did not acknowledge it
	 */
	public void report(FlowEvent event) {
		try {
			this.kafka.send(Topics.FLOW_EVENTS.name(), event.videoId(), event)
				.get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ReportFailedException(event, ex);
		}
		catch (ExecutionException | TimeoutException | KafkaException ex) {
			// KafkaException: the send failed at once, e.g. no metadata for the topic
			// within max.block.ms
			throw new ReportFailedException(event, ex);
		}
	}

	/**
	 * Publishes a flow event without waiting: for progress, which a later event makes
	 * obsolete anyway. Events of one video keep their order, as they share a partition
	 * and the producer is idempotent.
	 * @param event the event
	 */
	public void publish(FlowEvent event) {
		try {
			this.kafka.send(Topics.FLOW_EVENTS.name(), event.videoId(), event)
				.whenComplete((result, failure) -> notPublished(event, failure));
		}
		catch (KafkaException ex) {
			notPublished(event, ex);
		}
	}

	private static void notPublished(FlowEvent event, @Nullable Throwable failure) {
		if (failure != null) {
			logger.debug("Could not publish {} for caption {}: {}", event.getClass().getSimpleName(), event.captionId(),
					failure.getMessage());
		}
	}

	/**
	 * A flow event could not be published. Transient: the request is retried.
	 */
	public static class ReportFailedException extends RuntimeException {

		ReportFailedException(FlowEvent event, Throwable cause) {
			super("could not publish " + event.getClass().getSimpleName() + " for caption " + event.captionId(), cause);
		}

	}

}
