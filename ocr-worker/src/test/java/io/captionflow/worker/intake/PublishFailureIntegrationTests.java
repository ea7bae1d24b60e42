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
import java.util.concurrent.TimeUnit;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * When the outcome of a request cannot be published (here the flow-events topic does not
 * exist and the broker will not create it), the worker tries again with backoff, then
 * sends the request to the dead-letter topic with headers naming the failure, and goes on
 * with the partition once publishing works again.
 */
@SpringBootTest(properties = { "spring.config.name=ocr-worker",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
		"spring.kafka.producer.properties.max.block.ms=1000", "captionflow.worker.retry-backoff=100ms",
		"captionflow.worker.retry-attempts=2" })
@EmbeddedKafka(partitions = 1, topics = "caption-ocr-requests", brokerProperties = "auto.create.topics.enable=false")
class PublishFailureIntegrationTests {

	@TempDir
	static Path mediaRoot;

	static VideoManifest clip;

	@Autowired
	EmbeddedKafkaBroker broker;

	@DynamicPropertySource
	static void media(DynamicPropertyRegistry registry) throws IOException {
		clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		registry.add("captionflow.worker.media-root", mediaRoot::toString);
	}

	@Test
	void aRequestWhoseOutcomeCannotBePublishedIsRetriedThenDeadLetteredAndThePartitionGoesOn() throws Exception {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		try (Producer<String, byte[]> producer = new DefaultKafkaProducerFactory<>(
				KafkaTestUtils.producerProps(this.broker), new StringSerializer(), new ByteArraySerializer())
			.createProducer();
				Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
						new ByteArrayDeserializer())
					.createConsumer()) {
			CaptionOcrRequested unlucky = request(1);
			producer.send(record(unlucky)).get();
			consumer.subscribe(List.of(Topics.CAPTION_OCR_REQUESTS.deadLetterName()));
			List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				KafkaTestUtils.getRecords(consumer, Duration.ofMillis(200)).forEach(deadLetters::add);
				return !deadLetters.isEmpty();
			});
			ConsumerRecord<String, byte[]> deadLetter = deadLetters.get(0);
			assertThat(deadLetter.value()).isEqualTo(EventJson.write(unlucky));
			assertThat(header(deadLetter, "kafka_dlt-exception-message"))
				.contains("could not publish FlowStarted for caption 1");
			assertThat(header(deadLetter, "kafka_dlt-exception-stacktrace")).contains("ReportFailedException")
				.contains("TimeoutException");
			assertThat(header(deadLetter, "kafka_dlt-original-offset")).isNotEmpty();

			try (Admin admin = Admin
				.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
				admin.createTopics(List.of(new NewTopic(Topics.FLOW_EVENTS.name(), 1, (short) 1)))
					.all()
					.get(30, TimeUnit.SECONDS);
			}
			CaptionOcrRequested next = request(2);
			producer.send(record(next)).get();
			consumer.unsubscribe();
			consumer.subscribe(List.of(Topics.FLOW_EVENTS.name()));
			List<FlowEvent> events = new ArrayList<>();
			await().atMost(Duration.ofSeconds(60)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer,
						Duration.ofMillis(200))) {
					events.add(EventJson.read(record.value(), FlowEvent.class));
				}
				return events.stream().anyMatch(FlowCompleted.class::isInstance);
			});
			assertThat(events).noneMatch((event) -> event.captionId() == unlucky.captionId());
			FlowCompleted completed = (FlowCompleted) events.get(events.size() - 1);
			assertThat(completed.requestId()).isEqualTo(next.eventId());
			assertThat(completed.text()).isEqualTo(clip.captions().get(0).text());
		}
	}

	private static CaptionOcrRequested request(long captionId) {
		VideoManifest.PredictedCaption caption = clip.captions().get(0);
		return CaptionOcrRequested.of(UUID.randomUUID(), "unpublished", captionId, 1, caption.startFrameIndex() + 5,
				caption.endFrameIndex() - 5, clip.crop(), "eng", clip.media(), Instant.now());
	}

	private static ProducerRecord<String, byte[]> record(CaptionOcrRequested request) {
		return new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), request.videoId(), EventJson.write(request));
	}

	private static String header(ConsumerRecord<String, byte[]> record, String name) {
		return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
	}

}
