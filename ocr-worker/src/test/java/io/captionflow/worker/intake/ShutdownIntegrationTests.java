package io.captionflow.worker.intake;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.worker.OcrWorkerApplication;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker told to stop while it decodes a caption finishes that caption, publishes its
 * completion and commits its offset before it stops, so nothing is lost and nothing is
 * done twice.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 1, topics = { "caption-ocr-requests", "flow-events" })
class ShutdownIntegrationTests {

	@TempDir
	static Path mediaRoot;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Test
	void aStoppingWorkerFinishesTheCaptionInHandAndCommitsIt() throws Exception {
		VideoManifest clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		VideoManifest.PredictedCaption caption = clip.captions().get(1);
		ConfigurableApplicationContext worker = OcrWorkerApplication.create()
			.run("--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(), "--server.port=0",
					"--captionflow.worker.media-root=" + mediaRoot, "--captionflow.worker.progress-interval=1ms",
					"--captionflow.worker.shutdown-timeout=20s",
					"--spring.kafka.producer.properties.interceptor.classes=" + HoldOnProgress.class.getName());
		worker.addApplicationListener((ApplicationListener<ApplicationEvent>) (event) -> {
			if (event instanceof ContextClosedEvent) {
				HoldOnProgress.closing.countDown();
			}
		});
		assertThat(worker.getBean(KafkaListenerEndpointRegistry.class)
			.getListenerContainer("ocr-requests")
			.getContainerProperties()
			.getShutdownTimeout()).isEqualTo(20_000);

		CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), "shutdown", 1, 1,
				caption.startFrameIndex(), caption.endFrameIndex(), clip.crop(), "eng", clip.media(), Instant.now());
		try (Producer<String, byte[]> producer = new DefaultKafkaProducerFactory<>(
				KafkaTestUtils.producerProps(this.broker), new StringSerializer(), new ByteArraySerializer())
			.createProducer()) {
			producer
				.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), request.videoId(),
						EventJson.write(request)))
				.get();
		}

		// the worker is decoding the caption, held at its first progress event until the
		// stop has begun
		assertThat(HoldOnProgress.decoding.await(60, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> stopped = CompletableFuture.runAsync(worker::close);
		stopped.get(60, TimeUnit.SECONDS);
		assertThat(HoldOnProgress.heldUntilClosing).isTrue();

		List<FlowEvent> events = flowEvents();
		assertThat(events).filteredOn(FlowProgressed.class::isInstance).isNotEmpty();
		assertThat(events).filteredOn(FlowCompleted.class::isInstance).singleElement().satisfies((event) -> {
			FlowCompleted completed = (FlowCompleted) event;
			assertThat(completed.status()).isEqualTo(FlowCompleted.Status.COMPLETE);
			assertThat(completed.text()).isEqualTo(caption.text());
			assertThat(completed.requestId()).isEqualTo(request.eventId());
		});
		try (Admin admin = Admin
			.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()))) {
			Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("ocr-workers")
				.partitionsToOffsetAndMetadata()
				.get(30, TimeUnit.SECONDS);
			assertThat(committed.get(new TopicPartition(Topics.CAPTION_OCR_REQUESTS.name(), 0)).offset()).isEqualTo(1);
		}
	}

	private List<FlowEvent> flowEvents() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		List<FlowEvent> events = new ArrayList<>();
		try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer())
			.createConsumer()) {
			consumer.subscribe(List.of(Topics.FLOW_EVENTS.name()));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer,
						Duration.ofMillis(200))) {
					events.add(EventJson.read(record.value(), FlowEvent.class));
				}
				return events.stream().anyMatch(FlowCompleted.class::isInstance);
			});
		}
		return events;
	}

	/**
	 * A producer interceptor of the worker: it holds the listener thread at the first
	 * progress event of a caption until the worker has been told to stop, so the stop
	 * falls in the middle of decoding.
	 */
	public static class HoldOnProgress implements ProducerInterceptor<Object, Object> {

		static final CountDownLatch decoding = new CountDownLatch(1);

		static final CountDownLatch closing = new CountDownLatch(1);

		static volatile boolean heldUntilClosing;

		@Override
		public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
			if (record.value() instanceof FlowProgressed && decoding.getCount() > 0) {
				decoding.countDown();
				try {
					heldUntilClosing = closing.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return record;
		}

		@Override
		public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
		}

		@Override
		public void close() {
		}

		@Override
		public void configure(Map<String, ?> configs) {
		}

	}

}
