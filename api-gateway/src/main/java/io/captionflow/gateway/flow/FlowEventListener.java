package io.captionflow.gateway.flow;

import java.time.Duration;

import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import io.captionflow.gateway.messaging.RecordFailedException;
import io.captionflow.gateway.trace.Traces;
import io.captionflow.gateway.web.LogText;
import org.slf4j.MDC;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Receives flow events (consumer group {@code gateway}, shared by all instances, so each
 * event is applied by one of them) and hands each to the {@link FlowResultApplier}.
 * Blocking here is fine: this is a Kafka consumer thread, not the event loop. Whatever
 * fails, an {@link Error} included, ends in the error handler (retried while the database
 * is away, else dead-lettered), never in a stopped container.
 */
@Component
class FlowEventListener {

	private final FlowResultApplier applier;

	private final Duration applyTimeout;

	private final Traces traces;

	FlowEventListener(FlowResultApplier applier, FlowProperties properties, Traces traces) {
		this.traces = traces;
		this.applier = applier;
		this.applyTimeout = properties.applyTimeout();
	}

	@KafkaListener(id = "flow-events", topics = Topics.FLOW_EVENTS_NAME,
			groupId = "${spring.kafka.consumer.group-id:gateway}")
	void onFlowEvent(FlowEvent event) {
		// what the lines logged while it is applied are about (in structured logs)
		MDC.put("videoId", LogText.escape(event.videoId()));
		MDC.put("captionId", Long.toString(event.captionId()));
		MDC.put("eventId", String.valueOf(event.eventId()));
		try {
			RecordFailedException.await(this.traces.within(this.applier.apply(event)), this.applyTimeout);
		}
		finally {
			MDC.remove("videoId");
			MDC.remove("captionId");
			MDC.remove("eventId");
		}
	}

}
