package io.captionflow.events;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every event survives a JSON round trip unchanged, and its JSON is valid against the
 * JSON Schema published beside it.
 */
class EventSchemaTests {

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
			(builder) -> builder
				.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

	private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");

	private final CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), "demo", 7, 3, 120, 180,
			new CropBox(0, 600, 1280, 100), "eng", "demo/demo.mp4", NOW);

	@Test
	void captionOcrRequestedRoundTripsAndMatchesItsSchema() {
		assertRoundTripValid(this.request, CaptionOcrRequested.class, "caption-ocr-requested");
	}

	@Test
	void flowStartedRoundTripsAsFlowEventAndMatchesItsSchema() {
		FlowStarted started = FlowStarted.of(this.request, "worker-1", NOW);
		assertRoundTripValid(started, FlowEvent.class, "flow-started");
	}

	@Test
	void flowProgressedRoundTripsAsFlowEventAndMatchesItsSchema() {
		FlowProgressed progressed = FlowProgressed.of(this.request, 30, "worker-1", NOW);
		assertRoundTripValid(progressed, FlowEvent.class, "flow-progressed");
		assertThat(progressed.percent()).isEqualTo(100 * 30 / this.request.frameCount());
	}

	@Test
	void eventsAboutOneRequestHaveTheSameIdsWhenTheRequestIsRedelivered() {
		FlowCompleted first = FlowCompleted.complete(this.request, "Hello", 90, 5, null, FlowCompleted.Timings.NONE,
				"worker-1", NOW);
		FlowCompleted again = FlowCompleted.complete(this.request, "Hello", 90, 5, null, FlowCompleted.Timings.NONE,
				"worker-2", NOW.plusSeconds(5));
		assertThat(again.eventId()).isEqualTo(first.eventId());
		assertThat(FlowStarted.of(this.request, "worker-2", NOW).eventId())
			.isEqualTo(FlowStarted.of(this.request, "worker-1", NOW).eventId())
			.isNotEqualTo(first.eventId());
		assertThat(
				FlowCompleted.error(this.request, "timed out", FlowCompleted.Timings.NONE, "worker-1", NOW).eventId())
			.isNotEqualTo(first.eventId());
		CaptionOcrRequested otherRequest = CaptionOcrRequested.of(UUID.randomUUID(), this.request.videoId(),
				this.request.captionId(), this.request.revision() + 1, this.request.startFrameIndex(),
				this.request.endFrameIndex(), this.request.crop(), this.request.language(), this.request.media(), NOW);
		assertThat(FlowStarted.of(otherRequest, "worker-1", NOW).eventId())
			.isNotEqualTo(FlowStarted.of(this.request, "worker-1", NOW).eventId());
	}

	@Test
	void completedFlowRoundTripsAsFlowEventAndMatchesItsSchema() {
		FlowCompleted completed = FlowCompleted.complete(this.request, "Hello, world!", 91.5, 61,
				"demo/demo.mp4.captionflow/caption-7-r3.png", new FlowCompleted.Timings(40, 12, 37, 95), "worker-1",
				NOW);
		assertRoundTripValid(completed, FlowEvent.class, "flow-completed");
	}

	@Test
	void failedFlowRoundTripsAsFlowEventAndMatchesItsSchema() {
		FlowCompleted failed = FlowCompleted.error(this.request, "frame range 120..180 is outside the video (0..99)",
				FlowCompleted.Timings.NONE, "worker-1", NOW);
		assertRoundTripValid(failed, FlowEvent.class, "flow-completed");
	}

	@Test
	void videoNotificationRoundTripsAndMatchesItsSchema() {
		VideoNotification notification = new VideoNotification(VideoNotification.SCHEMA_VERSION, 42, "demo",
				"caption-ocr", VideoNotification.Status.COMPLETE, null, 7L, NOW, "ocr-worker",
				"4bf92f3577b34da6a3ce929d0e0e4736");
		assertRoundTripValid(notification, VideoNotification.class, "video-notification");
		assertThat(new String(EventJson.write(notification), StandardCharsets.UTF_8))
			.contains("\"status\":\"complete\"");
	}

	@Test
	void schemaRejectsMediaOutsideTheMediaRoot() {
		ObjectNode json = (ObjectNode) EventJson.mapper().valueToTree(this.request);
		json.put("media", "../etc/passwd");
		assertThat(schema("caption-ocr-requested").validate(json)).isNotEmpty();
		json.put("media", "/etc/passwd");
		assertThat(schema("caption-ocr-requested").validate(json)).isNotEmpty();
	}

	@Test
	void schemaRejectsAnErrorCompletionWithoutReason() {
		ObjectNode json = (ObjectNode) EventJson.mapper()
			.valueToTree(FlowCompleted.error(this.request, "boom", FlowCompleted.Timings.NONE, "w", NOW));
		json.putNull("error");
		assertThat(schema("flow-completed").validate(json)).isNotEmpty();
	}

	@Test
	void readingRefusesAnUnknownSchemaVersion() {
		ObjectNode json = (ObjectNode) EventJson.mapper().valueToTree(this.request);
		json.put("schemaVersion", 2);
		byte[] bytes = EventJson.mapper().writeValueAsBytes(json);
		assertThatExceptionOfType(UnreadableEventException.class)
			.isThrownBy(() -> EventJson.read(bytes, CaptionOcrRequested.class))
			.withMessageContaining("schema version 2 is not supported");
	}

	@Test
	void readingRefusesMalformedJson() {
		byte[] bytes = "{not json".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(UnreadableEventException.class)
			.isThrownBy(() -> EventJson.read(bytes, CaptionOcrRequested.class))
			.withMessageContaining("not a valid CaptionOcrRequested");
	}

	@Test
	void readingRefusesAnEventWithoutRequiredFields() {
		byte[] bytes = "{\"schemaVersion\":1,\"videoId\":\"demo\"}".getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(UnreadableEventException.class)
			.isThrownBy(() -> EventJson.read(bytes, CaptionOcrRequested.class));
	}

	@Test
	void everyTopicHasADeadLetterTopicBesideIt() {
		assertThat(Topics.all()).extracting(Topic::deadLetterName)
			.containsExactly("caption-ocr-requests.DLT", "flow-events.DLT", "video-notifications.DLT");
	}

	@Test
	void kafkaSerdeReadsEachTopicAsItsRegisteredType() {
		EventSerializer serializer = new EventSerializer();
		EventDeserializer deserializer = new EventDeserializer();
		byte[] bytes = serializer.serialize(Topics.CAPTION_OCR_REQUESTS.name(), this.request);
		assertThat(deserializer.deserialize(Topics.CAPTION_OCR_REQUESTS.name(), bytes)).isEqualTo(this.request);
		assertThat(deserializer.deserialize(Topics.CAPTION_OCR_REQUESTS.deadLetterName(), bytes))
			.isEqualTo(this.request);
		assertThat(serializer.serialize("any", bytes)).isSameAs(bytes);
	}

	private <T> void assertRoundTripValid(T event, Class<? super T> readAs, String schemaName) {
		byte[] json = EventJson.write(event);
		List<Error> errors = schema(schemaName).validate(new String(json, StandardCharsets.UTF_8), InputFormat.JSON);
		assertThat(errors).as("schema violations of %s", new String(json, StandardCharsets.UTF_8)).isEmpty();
		assertThat(EventJson.read(json, readAs)).isEqualTo(event);
	}

	private static Schema schema(String name) {
		try (InputStream in = EventSchemaTests.class.getResourceAsStream("/schemas/" + name + ".schema.json")) {
			assertThat(in).as("schema %s", name).isNotNull();
			return SCHEMAS.getSchema(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
