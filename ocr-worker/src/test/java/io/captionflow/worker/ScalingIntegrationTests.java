package io.captionflow.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three worker instances share a six-partition topic in one consumer group; one is
 * stopped mid-batch, and every caption is still completed exactly once, with the text
 * burned into the video.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 6, topics = { "caption-ocr-requests", "flow-events" })
class ScalingIntegrationTests {

	private static final int CAPTIONS = 24;

	@TempDir
	static Path mediaRoot;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final List<ConfigurableApplicationContext> workers = new ArrayList<>();

	@AfterEach
	void stopWorkers() {
		this.workers.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void threeWorkersCompleteEveryCaptionExactlyOnceWhenOneStopsMidBatch() throws Exception {
		VideoManifest clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		for (int i = 0; i < 3; i++) {
			this.workers.add(OcrWorkerApplication.create()
				.run("--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(), "--server.port=0",
						"--captionflow.worker.media-root=" + mediaRoot, "--captionflow.worker.worker-id=worker-" + i));
		}
		Map<Long, String> expected = new HashMap<>();
		try (Producer<String, byte[]> producer = new DefaultKafkaProducerFactory<>(
				KafkaTestUtils.producerProps(this.broker), new StringSerializer(), new ByteArraySerializer())
			.createProducer()) {
			for (int i = 0; i < CAPTIONS; i++) {
				VideoManifest.PredictedCaption caption = clip.captions().get(i % 2);
				// twelve videos, so the keys spread over the six partitions
				CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), "video-" + (i % 12), i + 1, 1,
						caption.startFrameIndex() + 5, caption.startFrameIndex() + 18, clip.crop(), "eng", clip.media(),
						Instant.now());
				expected.put(request.captionId(), caption.text());
				producer.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), request.videoId(),
						EventJson.write(request)));
			}
		}

		Map<Long, Set<UUID>> completionIds = new HashMap<>();
		Map<Long, FlowCompleted> completions = new HashMap<>();
		Set<String> completedBy = new HashSet<>();
		try (Consumer<String, byte[]> consumer = flowEvents()) {
			await().atMost(Duration.ofSeconds(120)).until(() -> {
				collect(consumer, completionIds, completions, completedBy);
				return completions.size() >= 4;
			});
			// stop one worker mid-batch: it finishes its record, the others take its
			// partitions
			this.workers.remove(0).close();
			await().atMost(Duration.ofSeconds(180)).until(() -> {
				collect(consumer, completionIds, completions, completedBy);
				return completions.size() == CAPTIONS;
			});
		}
		assertThat(completionIds).hasSize(CAPTIONS).allSatisfy((caption, ids) -> assertThat(ids).hasSize(1));
		assertThat(completions).allSatisfy((caption, completion) -> {
			assertThat(completion.status()).isEqualTo(FlowCompleted.Status.COMPLETE);
			assertThat(completion.text()).isEqualTo(expected.get(caption));
		});
		assertThat(completedBy).hasSizeGreaterThan(1);
	}

	private Consumer<String, byte[]> flowEvents() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer())
			.createConsumer();
		consumer.subscribe(List.of(Topics.FLOW_EVENTS.name()));
		return consumer;
	}

	private static void collect(Consumer<String, byte[]> consumer, Map<Long, Set<UUID>> completionIds,
			Map<Long, FlowCompleted> completions, Set<String> completedBy) {
		for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer, Duration.ofMillis(200))) {
			if (EventJson.read(record.value(), FlowEvent.class) instanceof FlowCompleted completed) {
				completionIds.computeIfAbsent(completed.captionId(), (id) -> new HashSet<>()).add(completed.eventId());
				completions.put(completed.captionId(), completed);
				completedBy.add(completed.workerId());
			}
		}
	}

}
