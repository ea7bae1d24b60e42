package io.captionflow.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.PrometheusScrape;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of a gateway: the metrics named in {@code docs/operations.md} in
 * {@code /actuator/prometheus} as saves, webhooks, results and event streams go through
 * it; readiness with the database, Kafka and both loops, going DOWN when the broker goes
 * away while liveness stays UP (the database going away:
 * {@link DatabaseAwayIntegrationTests}). The methods run in order: the last one stops the
 * broker for good.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"management.endpoint.health.show-details=always", "captionflow.gateway.outbox.poll-interval=200ms",
				"captionflow.gateway.consumer-lag.interval=1s" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	KafkaOperations<Object, Object> kafka;

	@Autowired
	EmbeddedKafkaBroker broker;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media.resolve("v"));
		TestVideos.manifest(media, new VideoManifest("ops", "Operations", "v/ops.mp4", 25, 100, 1280, 720,
				new CropBox(0, 600, 1280, 100), "eng", List.of(new VideoManifest.PredictedCaption(5, 44, null))));
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@Test
	@Order(1)
	void theMetricsCountWhatTheGatewayDid() {
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> readiness = health("/actuator/health/readiness", 200);
			assertThat(readiness).containsEntry("status", "UP");
			assertThat(components(readiness)).containsOnlyKeys("readinessState", "r2dbc", "kafka", "outboxRelay",
					"notificationSequencer");
		});
		long captionId = captionId();
		// a stream that sees the next notification, and one resumed with a bare number
		// from before epochs, which is reset
		List<ServerSentEvent<String>> live = events("/api/events/video-stats", 2);
		List<ServerSentEvent<String>> reset = events("/api/events/video-stats?lastEventId=5", 1);

		save(captionId, 6, 40);
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(live).extracting(ServerSentEvent::event).contains("video-stats-updated");
			assertThat(reset).extracting(ServerSentEvent::event).containsExactly("reset");
		});
		long revision = revision(captionId);
		this.kafka.send(Topics.FLOW_EVENTS.name(), "ops",
				FlowCompleted.complete(
						CaptionOcrRequested.of(UUID.randomUUID(), "ops", captionId, revision, 6, 40,
								new CropBox(0, 600, 1280, 100), "eng", "v/ops.mp4", Instant.now()),
						"read", 87.5, 20, null, new FlowCompleted.Timings(120, 30, 45, 200), "w", Instant.now()))
			.join();
		webhook(null, Map.of("videoId", "ops", "flowName", "import", "status", "started"), 200);
		webhook("delivery-1", Map.of("videoId", "ops", "flowName", "import", "status", "complete"), 200);
		webhook("delivery-1", Map.of("videoId", "ops", "flowName", "import", "status", "complete"), 200);
		webhook(null, Map.of("videoId", "no-such-video", "flowName", "import", "status", "started"), 404);
		webhook(null, Map.of("videoId", "ops", "flowName", "import", "status", "sideways"), 400);

		await().atMost(WAIT).untilAsserted(() -> {
			PrometheusScrape scrape = scrape();
			assertThat(scrape.value("captionflow_flows_duration_seconds_count", "status", "complete")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_flows_duration_seconds_sum", "status", "complete")).isEqualTo(0.2);
			assertThat(scrape.value("captionflow_flows_phase_seconds_sum", "phase", "decode")).isEqualTo(0.12);
			assertThat(scrape.value("captionflow_flows_phase_seconds_sum", "phase", "ocr")).isEqualTo(0.045);
			assertThat(scrape.value("captionflow_ocr_confidence_count")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_ocr_confidence_bucket", "le", "90.0")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_ocr_confidence_bucket", "le", "80.0")).isEqualTo(0.0);
			assertThat(scrape.value("captionflow_webhooks_total", "outcome", "accepted", "reason", "recorded"))
				.isEqualTo(2.0);
			assertThat(scrape.value("captionflow_webhooks_total", "outcome", "accepted", "reason", "duplicate"))
				.isEqualTo(1.0);
			assertThat(scrape.value("captionflow_webhooks_total", "outcome", "refused", "reason", "unknown-video"))
				.isEqualTo(1.0);
			assertThat(scrape.value("captionflow_webhooks_total", "outcome", "refused", "reason", "invalid"))
				.isEqualTo(1.0);
			assertThat(scrape.value("captionflow_sse_events_sent_total")).isGreaterThanOrEqualTo(1.0);
			assertThat(scrape.value("captionflow_sse_resets_total", "reason", "other-epoch")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_sse_clients_cut_total")).isEqualTo(0.0);
			assertThat(scrape.value("http_server_requests_seconds_count", "uri",
					"/api/videos/{videoId}/captions/{captionId}/extents", "status", "200"))
				.isEqualTo(1.0);
			// the backlog gauges, and the consumer groups' lag read from the broker
			assertThat(scrape.value("captionflow_outbox_waiting")).isEqualTo(0.0);
			assertThat(scrape.value("captionflow_sequencer_oldest_age_seconds")).isEqualTo(0.0);
			assertThat(scrape.value("captionflow_kafka_consumer_lag", "group", "gateway", "topic", "flow-events"))
				.isEqualTo(0.0);
		});
	}

	@Test
	@Order(2)
	@SuppressWarnings("unchecked")
	void theApiIsDescribedByAnOpenApiDocumentMadeFromTheCode() {
		Map<String, Object> document = this.http.get()
			.uri("/v3/api-docs")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		assertThat(document).containsKey("openapi");
		assertThat((Map<String, Object>) document.get("info")).containsEntry("title", "CaptionFlow API");
		Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) document.get("paths");
		assertThat(paths).containsKeys("/api/videos", "/api/videos/{videoId}/captions/{captionId}/extents",
				"/api/webhooks/prefect", "/api/events/video-stats", "/api/flow-notifications");
		assertThat(paths.get("/api/videos/{videoId}/captions/{captionId}/extents")).containsKey("put");
		this.http.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection();
	}

	@Test
	@Order(3)
	void readinessGoesDownWhenKafkaGoesAway() {
		this.broker.destroy();
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> readiness = health("/actuator/health/readiness", 503);
			assertThat(components(readiness).get("kafka")).containsEntry("status", "DOWN");
			assertThat(components(readiness).get("r2dbc")).containsEntry("status", "UP");
		});
		assertThat(health("/actuator/health/liveness", 200)).containsEntry("status", "UP");
	}

	@SuppressWarnings("unchecked")
	private long captionId() {
		Map<String, Object> page = this.http.get()
			.uri("/api/videos/ops/captions")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		List<Map<String, Object>> captions = (List<Map<String, Object>>) page.get("content");
		return ((Number) captions.get(0).get("id")).longValue();
	}

	private long revision(long captionId) {
		Map<String, Object> caption = this.http.get()
			.uri("/api/videos/ops/captions/{id}", captionId)
			.exchange()
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
		return ((Number) caption.get("revision")).longValue();
	}

	private void save(long captionId, int start, int end) {
		this.http.put()
			.uri("/api/videos/ops/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", start, "endFrameIndex", end, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isOk();
	}

	private void webhook(String deliveryId, Map<String, String> body, int status) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON);
		if (deliveryId != null) {
			request.header("webhook-id", deliveryId);
		}
		request.bodyValue(body).exchange().expectStatus().isEqualTo(status);
	}

	/**
	 * Opens a stream (it is registered once its headers came) and collects its first
	 * events, not comments, in the background.
	 */
	private List<ServerSentEvent<String>> events(String uri, int count) {
		List<ServerSentEvent<String>> received = new CopyOnWriteArrayList<>();
		Flux<ServerSentEvent<String>> stream = this.http.get()
			.uri(uri)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchange()
			.returnResult(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.getResponseBody();
		stream.filter((event) -> event.event() != null).take(count).subscribe(received::add);
		return received;
	}

	private PrometheusScrape scrape() {
		return PrometheusScrape.of(this.http.mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody());
	}

	private Map<String, Object> health(String path, int status) {
		return this.http.get()
			.uri(path)
			.exchange()
			.expectStatus()
			.isEqualTo(status)
			.expectBody(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> components(Map<String, Object> health) {
		return (Map<String, Map<String, Object>>) health.get("components");
	}

}
