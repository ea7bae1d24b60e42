package io.captionflow.gateway.flow;

import java.time.Duration;

import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import io.captionflow.gateway.messaging.RecordFailedException;

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

	FlowEventListener(FlowResultApplier applier, FlowProperties properties) {
		this.applier = applier;
		this.applyTimeout = properties.applyTimeout();
	}

	@KafkaListener(id = "flow-events", topics = Topics.FLOW_EVENTS_NAME,
			groupId = "${spring.kafka.consumer.group-id:gateway}")
	void onFlowEvent(FlowEvent event) {
		RecordFailedException.await(this.applier.apply(event), this.applyTimeout);
	}

}
