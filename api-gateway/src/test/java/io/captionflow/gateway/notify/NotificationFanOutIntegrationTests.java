package io.captionflow.gateway.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import io.captionflow.gateway.GatewayApplication;
import io.captionflow.gateway.SseClient;
import io.captionflow.gateway.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Gateway instances started and stopped within a test: two instances on one database and
 * one broker push every notification to the clients of both exactly once, whichever
 * instance appended it; a client resumes across a gateway restart, in the same epoch; a
 * client whose last event was pruned, or of another epoch, gets {@code reset}.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 6)
class NotificationFanOutIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path workDir;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	private final List<SseClient> clients = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.forEach(SseClient::close);
		this.gateways.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void clientsOfEitherInstanceSeeEveryNotificationOnce() throws Exception {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		// no polling of the log: what one instance appends reaches the other over Kafka
		ConfigurableApplicationContext a = start(database, "captionflow.gateway.notifications.poll-interval=1h");
		ConfigurableApplicationContext b = start(database, "captionflow.gateway.notifications.poll-interval=1h");
		SseClient onA = connect(a, Map.of());
		SseClient onB = connect(b, Map.of());

		// a webhook to A, a save on A and its result, applied by whichever instance the
		// gateway group hands it to, and a webhook to B
		webhook(a, "import", "started");
		long captionId = http(a).get()
			.uri("/api/videos/f1/captions")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT)
			.get("content")
			.get(0)
			.get("id")
			.asLong();
		JsonNode saved = http(a).put()
			.uri("/api/videos/f1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", 10, "endFrameIndex", 30, "state", "confirmed"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), "f1", captionId,
				saved.get("caption").get("revision").asLong(), 10, 30, new CropBox(0, 600, 1280, 100), "eng", "f1.mp4",
				Instant.now());
		// the gateway's one template, declared <Object, Object>
		@SuppressWarnings("unchecked")
		KafkaTemplate<Object, Object> kafka = a.getBean(KafkaTemplate.class);
		kafka.send(Topics.FLOW_EVENTS.name(), "f1", FlowStarted.of(request, "w", Instant.now())).join();
		FlowCompleted completed = FlowCompleted.complete(request, "text", 90, 21, null, FlowCompleted.Timings.NONE, "w",
				Instant.now());
		kafka.send(Topics.FLOW_EVENTS.name(), "f1", completed).join();
		// redelivered: applied once all the same
		kafka.send(Topics.FLOW_EVENTS.name(), "f1", completed).join();
		await().atMost(WAIT)
			.until(() -> "completed".equals(http(b).get()
				.uri("/api/videos/f1/captions/{id}", captionId)
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(WAIT)
				.get("captionOcrStatus")
				.asString()));
		webhook(b, "export", "complete");

		List<String> expected = List.of("import started", "caption-ocr queued", "caption-ocr started",
				"caption-ocr complete", "export complete");
		for (SseClient client : List.of(onA, onB)) {
			List<SseClient.Frame> events = new ArrayList<>();
			for (int i = 0; i < expected.size(); i++) {
				events.add(client.nextEvent(WAIT));
			}
			assertThat(events).extracting(NotificationFanOutIntegrationTests::describe)
				.containsExactlyElementsOf(expected);
			long first = events.get(0).idValue();
			assertThat(events).extracting(SseClient.Frame::idValue)
				.containsExactly(first, first + 1, first + 2, first + 3, first + 4);
		}
		// nothing more than those five arrives before the next notification
		webhook(a, "marker", "started");
		assertThat(describe(onA.nextEvent(WAIT))).isEqualTo("marker started");
		assertThat(describe(onB.nextEvent(WAIT))).isEqualTo("marker started");
	}

	@Test
	void clientResumesAfterItsLastEventAcrossAGatewayRestart() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database);
		SseClient client = connect(gateway, Map.of());
		webhook(gateway, "before-1", "started");
		webhook(gateway, "before-2", "started");
		client.nextEvent(WAIT);
		SseClient.Frame seenFrame = client.nextEvent(WAIT);
		long seen = seenFrame.idValue();
		webhook(gateway, "unseen", "complete");

		long closing = System.nanoTime();
		gateway.close();
		this.gateways.remove(gateway);
		// the streams ended at once, so the graceful shutdown had no request to wait for
		assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(15));
		// the server ended the stream as it shut down, so the client reconnects
		client.awaitEnd(WAIT);

		ConfigurableApplicationContext restarted = start(database);
		webhook(restarted, "after-restart", "started");
		SseClient resumed = connect(restarted, Map.of("Last-Event-ID", seenFrame.id()));
		SseClient.Frame unseen = resumed.nextEvent(WAIT);
		SseClient.Frame after = resumed.nextEvent(WAIT);
		assertThat(describe(unseen)).isEqualTo("unseen complete");
		assertThat(unseen.idValue()).isEqualTo(seen + 1);
		assertThat(describe(after)).isEqualTo("after-restart started");
		assertThat(after.idValue()).isEqualTo(seen + 2);
		// the log is intact: the restart kept its epoch, and no one was reset
		assertThat(List.of(unseen.epoch(), after.epoch())).containsOnly(seenFrame.epoch());
	}

	@Test
	void clientWhoseLastEventWasPrunedIsToldToReset() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database, "captionflow.gateway.notifications.retain-count=3",
				"captionflow.gateway.notifications.prune-interval=100ms", "captionflow.gateway.sse.replay-buffer=2");
		SseClient client = connect(gateway, Map.of());
		webhook(gateway, "seen", "started");
		SseClient.Frame seenFrame = client.nextEvent(WAIT);
		long seen = seenFrame.idValue();
		client.close();
		for (int i = 0; i < 6; i++) {
			webhook(gateway, "missed-" + i, "started");
		}
		await().atMost(WAIT).until(() -> page(gateway, seen).get("oldestRetained").asLong() > seen + 1);
		JsonNode page = page(gateway, seen);
		assertThat(page.get("truncated").asBoolean()).isTrue();
		long newest = page.get("newest").asLong();
		assertThat(newest).isEqualTo(seen + 6);

		SseClient again = connect(gateway, Map.of("Last-Event-ID", seenFrame.id()));
		SseClient.Frame reset = again.nextEvent(WAIT);
		assertThat(reset.event()).isEqualTo("reset");
		assertThat(reset.id()).isEqualTo(seenFrame.epoch() + "-" + newest);
		JsonNode data = JSON.readTree(reset.data());
		assertThat(data.get("reason").asString()).isEqualTo("pruned");
		assertThat(data.get("lastEventId").asString()).isEqualTo(seenFrame.id());
		assertThat(data.get("newest").asLong()).isEqualTo(newest);
		webhook(gateway, "live", "complete");
		SseClient.Frame live = again.nextEvent(WAIT);
		assertThat(describe(live)).isEqualTo("live complete");
		assertThat(live.idValue()).isEqualTo(newest + 1);

		// an id of another epoch (a client of another deployment) is reset too, and
		// changes nothing
		SseClient stranger = connect(gateway, Map.of("Last-Event-ID", (seenFrame.epoch() + 1) + "-" + (newest + 1000)));
		SseClient.Frame strange = stranger.nextEvent(WAIT);
		assertThat(strange.event()).isEqualTo("reset");
		assertThat(strange.id()).isEqualTo(seenFrame.epoch() + "-" + (newest + 1));
		assertThat(JSON.readTree(strange.data()).get("reason").asString()).isEqualTo("other-epoch");
	}

	private ConfigurableApplicationContext start(Map<String, String> database, String... extra) {
		Path media = this.workDir.resolve("media");
		try {
			Files.createDirectories(media);
			TestVideos.manifest(media, new VideoManifest("f1", "f1", "f1.mp4", 25, 100, 1280, 720,
					new CropBox(0, 600, 1280, 100), "eng", List.of(new VideoManifest.PredictedCaption(5, 40, null))));
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		Map<String, String> properties = new LinkedHashMap<>(
				Map.of("server.port", "0", "spring.kafka.bootstrap-servers", this.broker.getBrokersAsString(),
						"captionflow.gateway.media-root", media.toString(), "captionflow.gateway.outbox.poll-interval",
						"200ms", "captionflow.gateway.notifications.poll-interval", "200ms"));
		properties.putAll(database);
		for (String setting : extra) {
			properties.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
		}
		List<String> arguments = new ArrayList<>();
		properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		ConfigurableApplicationContext gateway = GatewayApplication.create().run(arguments.toArray(String[]::new));
		this.gateways.add(gateway);
		return gateway;
	}

	private SseClient connect(ConfigurableApplicationContext gateway, Map<String, String> headers) {
		SseClient client = SseClient.connect(base(gateway) + "/api/events/video-stats", headers);
		this.clients.add(client);
		return client;
	}

	private static void webhook(ConfigurableApplicationContext gateway, String flowName, String status) {
		http(gateway).post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", "f1", "flowName", flowName, "status", status))
			.retrieve()
			.toBodilessEntity()
			.block(WAIT);
	}

	private static JsonNode page(ConfigurableApplicationContext gateway, long after) {
		return http(gateway).get()
			.uri("/api/flow-notifications?after=" + after)
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
	}

	private static WebClient http(ConfigurableApplicationContext gateway) {
		return WebClient.create(base(gateway));
	}

	private static String base(ConfigurableApplicationContext gateway) {
		return "http://localhost:" + gateway.getEnvironment().getProperty("local.server.port");
	}

	private static String describe(SseClient.Frame frame) {
		JsonNode record = JSON.readTree(frame.data());
		return record.get("flowName").asString() + " " + record.get("status").asString();
	}

}
