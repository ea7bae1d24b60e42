package io.captionflow.worker.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker on a real (embedded KRaft) broker with real FFmpeg and Tesseract: requests
 * come back as flow events, a failing request as an ERROR completion with its reason, and
 * a record that cannot be read goes to the dead-letter topic without stopping its
 * partition.
 */
@SpringBootTest(properties = { "spring.config.name=ocr-worker",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}" })
@EmbeddedKafka(partitions = 1, topics = { "caption-ocr-requests", "flow-events" })
class IntakeIntegrationTests {

	@TempDir
	static Path mediaRoot;

	static VideoManifest clip;

	@Autowired
	EmbeddedKafkaBroker broker;

	Producer<String, byte[]> producer;

	Consumer<String, byte[]> consumer;

	@DynamicPropertySource
	static void media(DynamicPropertyRegistry registry) throws IOException {
		clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		registry.add("captionflow.worker.media-root", mediaRoot::toString);
	}

	@BeforeEach
	void connect() {
		this.producer = new DefaultKafkaProducerFactory<>(KafkaTestUtils.producerProps(this.broker),
				new StringSerializer(), new ByteArraySerializer())
			.createProducer();
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		this.consumer.subscribe(List.of(Topics.FLOW_EVENTS.name(), Topics.CAPTION_OCR_REQUESTS.deadLetterName()));
	}

	@AfterEach
	void close() {
		this.producer.close();
		this.consumer.close();
	}

	@Test
	void poisonAndUnknownSchemaVersionsGoToTheDeadLetterTopicAndThePartitionKeepsFlowing() throws Exception {
		String video = "poison-" + UUID.randomUUID();
		send(video, "{ not json".getBytes(StandardCharsets.UTF_8));
		String fromTheFuture = new String(EventJson.write(request(video, 6, 5, 20, clip.media())),
				StandardCharsets.UTF_8)
			.replace("\"schemaVersion\":1", "\"schemaVersion\":99");
		assertThat(fromTheFuture).contains("\"schemaVersion\":99");
		send(video, fromTheFuture.getBytes(StandardCharsets.UTF_8));
		CaptionOcrRequested request = request(video, 7, 5, 20, clip.media());
		send(video, EventJson.write(request));

		List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
		List<FlowEvent> events = new ArrayList<>();
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			collect(video, deadLetters, events);
			return deadLetters.size() == 2 && events.stream().anyMatch(FlowCompleted.class::isInstance);
		});
		ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
		assertThat(new String(deadLetter.value(), StandardCharsets.UTF_8)).isEqualTo("{ not json");
		assertThat(header(deadLetter, "kafka_dlt-exception-fqcn")).contains("DeserializationException");
		assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(Topics.CAPTION_OCR_REQUESTS.name());
		assertThat(new String(deadLetters.get(1).value(), StandardCharsets.UTF_8)).isEqualTo(fromTheFuture);
		assertThat(header(deadLetters.get(1), "kafka_dlt-exception-stacktrace")).contains("UnreadableEventException");
		assertThat(events).noneMatch((event) -> event.captionId() == 6);
		assertThat(events.get(0)).isInstanceOf(FlowStarted.class);
		FlowCompleted completed = (FlowCompleted) events.get(events.size() - 1);
		assertThat(completed.status()).isEqualTo(FlowCompleted.Status.COMPLETE);
		assertThat(completed.text()).isEqualTo(clip.captions().get(0).text());
		assertThat(completed.requestId()).isEqualTo(request.eventId());
	}

	@Test
	void aRequestThatCannotBeServedEndsInAnErrorNamingTheReason() throws Exception {
		String video = "missing-" + UUID.randomUUID();
		send(video, EventJson.write(request(video, 3, 0, 10, "clips/nothing-here.mp4")));
		send(video, EventJson.write(request(video, 4, 95, 120, clip.media())));

		List<FlowEvent> events = new ArrayList<>();
		await().atMost(Duration.ofSeconds(60)).until(() -> {
			collect(video, new ArrayList<>(), events);
			return events.stream().filter(FlowCompleted.class::isInstance).count() == 2;
		});
		List<FlowCompleted> completions = events.stream()
			.filter(FlowCompleted.class::isInstance)
			.map(FlowCompleted.class::cast)
			.toList();
		assertThat(completions)
			.allSatisfy((completion) -> assertThat(completion.status()).isEqualTo(FlowCompleted.Status.ERROR));
		assertThat(completions.get(0).error())
			.isEqualTo("video 'clips/nothing-here.mp4' does not exist or is not readable");
		assertThat(completions.get(1).error())
			.isEqualTo("frame range 95..120 is outside the video, which has frames 0..99");
	}

	private CaptionOcrRequested request(String video, long captionId, int start, int end, String media) {
		return CaptionOcrRequested.of(UUID.randomUUID(), video, captionId, 1, start, end, clip.crop(), "eng", media,
				Instant.now());
	}

	private void send(String key, byte[] value) throws Exception {
		this.producer.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), key, value)).get();
	}

	private void collect(String video, List<ConsumerRecord<String, byte[]>> deadLetters, List<FlowEvent> events) {
		for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(this.consumer, Duration.ofMillis(200))) {
			if (!video.equals(record.key())) {
				continue;
			}
			if (record.topic().equals(Topics.FLOW_EVENTS.name())) {
				events.add(EventJson.read(record.value(), FlowEvent.class));
			}
			else {
				deadLetters.add(record);
			}
		}
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}
