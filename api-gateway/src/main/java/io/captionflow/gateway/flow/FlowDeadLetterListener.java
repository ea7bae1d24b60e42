package io.captionflow.gateway.flow;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import io.captionflow.events.EventJson;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.gateway.messaging.RecordFailedException;
import io.captionflow.gateway.trace.Traces;
import io.captionflow.gateway.web.LogText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Ends in {@code error} the caption of every flow event the gateway could not apply: a
 * start or a result in the dead-letter topic would otherwise leave its caption queued or
 * processing until the stuck-caption sweep. The reason comes from the header the
 * dead-letter publisher wrote; the {@link FlowResultApplier} applies it once, and only to
 * a caption still at the event's revision with its OCR in flight. A progress report ends
 * nothing (its result is still to come). A record that cannot be read, or names no valid
 * video, is logged with where it lies, counted
 * ({@code captionflow.flow-events.dead-letters.unreadable}) and skipped. Nothing thrown
 * here stops the container: an {@link Error} becomes an exception for the error handler,
 * which retries while the database is away and otherwise logs and skips the record, never
 * dead-lettering a dead letter.
 */
@Component
class FlowDeadLetterListener {

	private static final Logger logger = LoggerFactory.getLogger(FlowDeadLetterListener.class);

	private final FlowResultApplier applier;

	private final Duration applyTimeout;

	private final Counter unreadable;

	private final Traces traces;

	FlowDeadLetterListener(FlowResultApplier applier, FlowProperties properties, MeterRegistry meters, Traces traces) {
		this.traces = traces;
		this.applier = applier;
		this.applyTimeout = properties.applyTimeout();
		this.unreadable = Counter.builder("captionflow.flow-events.dead-letters.unreadable")
			.description(
					"Dead letters of flow events that could not be read as an event of a caption, and were skipped")
			.register(meters);
	}

	@KafkaListener(id = "flow-dead-letters", topics = Topics.FLOW_EVENTS_DEAD_LETTER_NAME,
			groupId = "${spring.kafka.consumer.group-id:gateway}",
			properties = "value.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer")
	void onDeadLetter(ConsumerRecord<String, byte[]> record) {
		RecordFailedException.handle(() -> endInError(record));
	}

	private void endInError(ConsumerRecord<String, byte[]> record) {
		Optional<FlowEvent> read = read(record);
		if (read.isEmpty()) {
			this.unreadable.increment();
			return;
		}
		FlowEvent event = read.get();
		if (event instanceof FlowProgressed) {
			logger.info("Dead letter at {}-{}@{} is a progress report of caption {}; its result is still to come",
					record.topic(), record.partition(), record.offset(), event.captionId());
			return;
		}
		String reason = "a flow event could not be applied: " + header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
		RecordFailedException.await(this.traces.within(this.applier.endInError(event, reason)), this.applyTimeout);
	}

	private static Optional<FlowEvent> read(ConsumerRecord<String, byte[]> record) {
		if (record.value() == null) {
			logger.warn("Dead letter at {}-{}@{} is empty and names no caption; skipped", record.topic(),
					record.partition(), record.offset());
			return Optional.empty();
		}
		FlowEvent event;
		try {
			event = EventJson.read(record.value(), FlowEvent.class);
		}
		catch (UnreadableEventException ex) {
			logger.warn("Dead letter at {}-{}@{} is not a flow event and names no caption; skipped: {}", record.topic(),
					record.partition(), record.offset(), LogText.escape(ex.getMessage()));
			return Optional.empty();
		}
		if (!FlowResultApplier.wellFormedVideoId(event.videoId())) {
			logger.warn("Dead letter at {}-{}@{} names no valid video; skipped", record.topic(), record.partition(),
					record.offset());
			return Optional.empty();
		}
		return Optional.of(event);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8)
				: "no reason recorded";
	}

}
