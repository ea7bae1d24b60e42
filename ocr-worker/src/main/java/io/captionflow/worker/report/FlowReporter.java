package io.captionflow.worker.report;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;

import org.springframework.kafka.core.KafkaOperations;
import org.springframework.stereotype.Component;

/**
 * Publishes flow events and returns only once the broker has acknowledged them, so that
 * the request's offset is committed after its outcome is safe.
 */
@Component
public class FlowReporter {

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
		catch (ExecutionException | TimeoutException ex) {
			throw new ReportFailedException(event, ex);
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
