package io.captionflow.gateway.flow;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.Topics;
import io.captionflow.events.UnreadableEventException;
import io.captionflow.gateway.web.LogText;
import io.captionflow.gateway.messaging.RecordFailedException;
import io.captionflow.gateway.trace.Traces;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.stereotype.Component;

/**
 * Ends in {@code error} every caption whose OCR request a worker gave up on: a request in
 * the dead-letter topic would otherwise leave its caption queued or processing for ever.
 * The reason comes from the header the dead-letter publisher wrote. Records that are not
 * requests at all (poison) name no caption and are only logged.
 */
@Component
class DeadLetterListener {

	private static final Logger logger = LoggerFactory.getLogger(DeadLetterListener.class);

	static final String WORKER_ID = "dead-letter";

	private final FlowResultApplier applier;

	private final Clock clock;

	private final Duration applyTimeout;

	private final Traces traces;

	DeadLetterListener(FlowResultApplier applier, Clock clock, FlowProperties properties, Traces traces) {
		this.traces = traces;
		this.applier = applier;
		this.clock = clock;
		this.applyTimeout = properties.applyTimeout();
	}

	@KafkaListener(id = "ocr-dead-letters", topics = Topics.CAPTION_OCR_REQUESTS_DEAD_LETTER_NAME,
			groupId = "${spring.kafka.consumer.group-id:gateway}",
			properties = "value.deserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer")
	void onDeadLetter(ConsumerRecord<String, byte[]> record) {
		RecordFailedException.handle(() -> endInError(record));
	}

	private void endInError(ConsumerRecord<String, byte[]> record) {
		if (record.value() == null) {
			logger.warn("Dead letter at {}-{}@{} is empty and names no caption", record.topic(), record.partition(),
					record.offset());
			return;
		}
		CaptionOcrRequested request;
		try {
			request = EventJson.read(record.value(), CaptionOcrRequested.class);
		}
		catch (UnreadableEventException ex) {
			logger.warn("Dead letter at {}-{}@{} is not an OCR request and names no caption: {}", record.topic(),
					record.partition(), record.offset(), LogText.escape(ex.getMessage()));
			return;
		}
		if (!FlowResultApplier.wellFormedVideoId(request.videoId())) {
			logger.warn("Dead letter at {}-{}@{} names no valid video and is skipped", record.topic(),
					record.partition(), record.offset());
			return;
		}
		String reason = "OCR request failed after retries: " + header(record, KafkaHeaders.DLT_EXCEPTION_MESSAGE);
		// a deterministic id: a redelivered dead letter is applied once
		UUID eventId = UUID.nameUUIDFromBytes(("dead-letter:" + request.eventId()).getBytes(StandardCharsets.UTF_8));
		FlowCompleted failed = new FlowCompleted(FlowCompleted.SCHEMA_VERSION, eventId, request.eventId(),
				request.videoId(), request.captionId(), request.revision(), FlowCompleted.Status.ERROR, null, null,
				reason, 0, null, FlowCompleted.Timings.NONE, WORKER_ID, this.clock.instant());
		RecordFailedException.await(this.traces.within(this.applier.apply(failed)), this.applyTimeout);
	}

	private static String header(ConsumerRecord<?, ?> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "no reason recorded";
	}

}
