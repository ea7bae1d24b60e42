package io.captionflow.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway instances on one database and one broker, saving the same captions
 * concurrently: every OCR request is published once, and a caption's requests reach the
 * topic in revision order, ending with its newest.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 6)
class SharedDatabaseIntegrationTests {

	private static final int CAPTIONS = 20;

	@TempDir
	static Path workDir;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	@AfterEach
	void stop() {
		this.gateways.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void twoInstancesPublishEveryRequestOnceAndInRevisionOrder() throws Exception {
		Path media = workDir.resolve("media");
		Files.createDirectories(media.resolve("s"));
		List<VideoManifest.PredictedCaption> predicted = new ArrayList<>();
		for (int i = 0; i < CAPTIONS; i++) {
			predicted.add(new VideoManifest.PredictedCaption(i * 10, i * 10 + 5, null));
		}
		TestVideos.manifest(media, new VideoManifest("shared", "Shared", "s/shared.mp4", 25, 400, 1280, 720,
				new CropBox(0, 600, 1280, 100), "eng", predicted));
		List<String> arguments = new ArrayList<>(List.of("--server.port=0",
				"--spring.kafka.bootstrap-servers=" + this.broker.getBrokersAsString(),
				"--captionflow.gateway.media-root=" + media, "--captionflow.gateway.outbox.poll-interval=200ms"));
		TestDatabase.properties(workDir).forEach((name, value) -> arguments.add("--" + name + "=" + value));
		List<WebClient> clients = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			ConfigurableApplicationContext gateway = GatewayApplication.create().run(arguments.toArray(String[]::new));
			this.gateways.add(gateway);
			clients
				.add(WebClient.create("http://localhost:" + gateway.getEnvironment().getProperty("local.server.port")));
		}
		JsonNode page = clients.get(0)
			.get()
			.uri("/api/videos/shared/captions")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(10));
		List<long[]> saves = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			for (JsonNode caption : page.get("content")) {
				saves.add(new long[] { caption.get("id").asLong(), caption.get("startFrameIndex").asLong() + round });
			}
		}
		Flux.range(0, saves.size())
			.flatMap((i) -> clients.get(i % 2)
				.put()
				.uri("/api/videos/shared/captions/{id}/extents", saves.get(i)[0])
				.bodyValue(Map.of("startFrameIndex", saves.get(i)[1], "endFrameIndex", saves.get(i)[1] + 5, "state",
						"confirmed"))
				.retrieve()
				.toBodilessEntity(), 6)
			.blockLast(Duration.ofSeconds(60));

		Map<Long, Long> finalRevisions = new HashMap<>();
		this.gateways.get(1)
			.getBean(DatabaseClient.class)
			.sql("select id, revision from captions where video_id = 'shared'")
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("revision", Long.class)))
			.all()
			.doOnNext((entry) -> finalRevisions.put(entry.getKey(), entry.getValue()))
			.blockLast(Duration.ofSeconds(10));
		assertThat(finalRevisions.values()).containsOnly(3L);

		Map<Long, List<Long>> revisionsPublished = new HashMap<>();
		Set<UUID> eventIds = new HashSet<>();
		List<UUID> duplicates = new ArrayList<>();
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
				new ByteArrayDeserializer())
			.createConsumer()) {
			consumer.subscribe(List.of(Topics.CAPTION_OCR_REQUESTS.name()));
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer,
						Duration.ofMillis(200))) {
					CaptionOcrRequested request = EventJson.read(record.value(), CaptionOcrRequested.class);
					if (!"shared".equals(request.videoId())) {
						// another test class's request: the broker is shared by test
						// contexts
						continue;
					}
					if (!eventIds.add(request.eventId())) {
						duplicates.add(request.eventId());
					}
					revisionsPublished.computeIfAbsent(request.captionId(), (id) -> new ArrayList<>())
						.add(request.revision());
				}
				return revisionsPublished.size() == CAPTIONS && revisionsPublished.values()
					.stream()
					.allMatch((revisions) -> revisions.get(revisions.size() - 1) == 3L);
			});
			// anything still in flight would show up now
			KafkaTestUtils.getRecords(consumer, Duration.ofMillis(500)).forEach((record) -> {
				CaptionOcrRequested request = EventJson.read(record.value(), CaptionOcrRequested.class);
				if (!"shared".equals(request.videoId())) {
					return;
				}
				if (!eventIds.add(request.eventId())) {
					duplicates.add(request.eventId());
				}
				revisionsPublished.get(request.captionId()).add(request.revision());
			});
		}
		assertThat(duplicates).isEmpty();
		assertThat(revisionsPublished).allSatisfy((caption, revisions) -> {
			assertThat(revisions).isSorted().doesNotHaveDuplicates();
			assertThat(revisions.get(revisions.size() - 1)).isEqualTo(finalRevisions.get(caption));
		});
	}

}
