package io.captionflow.gateway;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway against an embedded KRaft broker and its H2 database: optimistic saves
 * through the outbox, idempotent application of flow events, refusals that change
 * nothing, webhooks.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"captionflow.gateway.outbox.poll-interval=200ms", "captionflow.gateway.apply-timeout=2s" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 6)
class GatewayIntegrationTests {

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient db;

	@Autowired
	KafkaOperations<Object, Object> kafka;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	ConnectionFactory connections;

	@Autowired
	MeterRegistry meters;

	Consumer<String, byte[]> requests;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media.resolve("v"));
		VideoManifest manifest = new VideoManifest("v1", "Test video", "v/v1.mp4", 25, 100, 1280, 720,
				new CropBox(0, 600, 1280, 100), "eng", List.of(new VideoManifest.PredictedCaption(5, 44, null),
						new VideoManifest.PredictedCaption(55, 94, null)));
		TestVideos.manifest(media, manifest);
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@BeforeEach
	void subscribeToRequests() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		this.requests.subscribe(List.of(Topics.CAPTION_OCR_REQUESTS.name()));
	}

	@AfterEach
	void closeConsumer() {
		this.requests.close();
	}

	@Test
	void savingExtentsAnswersQueuedAndPublishesTheOcrRequestThroughTheOutbox() {
		long captionId = captionIds().get(0);
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", 6, "endFrameIndex", 40, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.caption.captionOcrStatus")
			.isEqualTo("queued")
			.jsonPath("$.caption.imageNeedsRegen")
			.isEqualTo(true)
			.jsonPath("$.caption.textPending")
			.isEqualTo(true)
			.jsonPath("$.caption.startFrameIndex")
			.isEqualTo(6)
			.jsonPath("$.caption.extentsState")
			.isEqualTo("confirmed");

		List<CaptionOcrRequested> published = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(this.requests,
					Duration.ofMillis(200))) {
				assertThat(record.key()).isEqualTo("v1");
				published.add(EventJson.read(record.value(), CaptionOcrRequested.class));
			}
			return published.stream()
				.anyMatch((request) -> request.captionId() == captionId && request.startFrameIndex() == 6);
		});
		CaptionOcrRequested request = published.stream()
			.filter((r) -> r.captionId() == captionId && r.startFrameIndex() == 6)
			.findFirst()
			.get();
		assertThat(request.startFrameIndex()).isEqualTo(6);
		assertThat(request.endFrameIndex()).isEqualTo(40);
		assertThat(request.media()).isEqualTo("v/v1.mp4");
		assertThat(request.crop()).isEqualTo(new CropBox(0, 600, 1280, 100));
		assertThat(request.language()).isEqualTo("eng");
		assertThat(request.revision()).isEqualTo(revisionOf(captionId));
		await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from outbox") == 0);
	}

	@Test
	void progressIsShownForTheCurrentRevisionOnlyAndClearedByTheResult() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		long older = revisionOf(captionId);
		save(captionId, 5, 40);
		CaptionOcrRequested olderRequest = request(captionId, older);
		CaptionOcrRequested current = request(captionId, older + 1);
		publish(FlowProgressed.of(olderRequest, 30, "w", Instant.now()));
		publish(FlowStarted.of(current, "w", Instant.now()));
		publish(FlowProgressed.of(current, 10, "w", Instant.now()));

		await().atMost(Duration.ofSeconds(20)).until(() -> "25".equals(captionField(captionId, "captionOcrProgress")));
		assertThat(captionField(captionId, "captionOcrStatus")).isEqualTo("processing");

		publish(FlowCompleted.complete(current, "done", 90, 36, null, FlowCompleted.Timings.NONE, "w", Instant.now()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "completed".equals(captionField(captionId, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcrProgress")).isEqualTo("null");
	}

	@Test
	void resultIsAppliedOnceAndAStaleOneNeverOverwritesANewerSave() {
		long captionId = captionIds().get(1);
		save(captionId, 55, 90);
		long older = revisionOf(captionId);
		save(captionId, 56, 94);
		long newer = revisionOf(captionId);
		assertThat(newer).isEqualTo(older + 1);

		CaptionOcrRequested olderRequest = request(captionId, older);
		CaptionOcrRequested newerRequest = request(captionId, newer);
		FlowCompleted stale = FlowCompleted.complete(olderRequest, "old text", 90, 10, null, FlowCompleted.Timings.NONE,
				"w", Instant.now());
		FlowCompleted current = FlowCompleted.complete(newerRequest, "new text", 93, 10, null,
				FlowCompleted.Timings.NONE, "w", Instant.now());
		publish(FlowStarted.of(newerRequest, "w", Instant.now()));
		publish(stale);
		publish(current);
		publish(current);

		await().atMost(Duration.ofSeconds(20))
			.until(() -> count(
					"select count(*) from processed_events where event_id = '" + current.eventId() + "'") == 1
					&& "completed".equals(captionField(captionId, "captionOcrStatus")));
		this.http.get()
			.uri("/api/videos/v1/captions/{id}", captionId)
			.exchange()
			.expectBody()
			.jsonPath("$.captionOcr")
			.isEqualTo("new text")
			.jsonPath("$.captionOcrConfidence")
			.isEqualTo(93.0)
			.jsonPath("$.imageNeedsRegen")
			.isEqualTo(false)
			.jsonPath("$.revision")
			.isEqualTo(newer);
		assertThat(count("select count(*) from processed_events where event_id = '" + stale.eventId() + "'"))
			.isEqualTo(1);
		assertThat(count(
				"select count(*) from flow_notifications where caption_id = " + captionId + " and status = 'complete'"))
			.isEqualTo(1);
		assertThat(count(
				"select count(*) from flow_notifications where caption_id = " + captionId + " and status = 'started'"))
			.isEqualTo(1);
	}

	@Test
	void errorCompletionEndsTheCaptionInErrorWithTheReason() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		long revision = revisionOf(captionId);
		publish(FlowCompleted.error(request(captionId, revision), "video 'v/v1.mp4' does not exist or is not readable",
				FlowCompleted.Timings.NONE, "w", Instant.now()));
		await().atMost(Duration.ofSeconds(20)).until(() -> "error".equals(captionField(captionId, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcrError"))
			.isEqualTo("video 'v/v1.mp4' does not exist or is not readable");
	}

	@Test
	void aResultWaitsForTheDatabaseAsLongAsItCannotBeWrittenAndIsThenApplied() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		long revision = revisionOf(captionId);
		long deadLetters = endOffsets(Topics.FLOW_EVENTS.deadLetterName());
		// another transaction holds the caption's row: every apply fails or times out
		Connection holder = Mono.from(this.connections.create()).block(Duration.ofSeconds(5));
		try {
			Mono.from(holder.beginTransaction()).block(Duration.ofSeconds(5));
			Flux.from(
					holder.createStatement("select id from captions where id = " + captionId + " for update").execute())
				.flatMap((result) -> result.map((row, metadata) -> 1))
				.blockLast(Duration.ofSeconds(5));
			publish(FlowCompleted.complete(request(captionId, revision), "waited", 91, 5, null,
					FlowCompleted.Timings.NONE, "w", Instant.now()));
			// longer than the ten seconds after which a result used to be dead-lettered
			await().during(Duration.ofSeconds(12))
				.atMost(Duration.ofSeconds(20))
				.until(() -> "queued".equals(captionField(captionId, "captionOcrStatus")));
			assertThat(endOffsets(Topics.FLOW_EVENTS.deadLetterName())).isEqualTo(deadLetters);
		}
		finally {
			Mono.from(holder.rollbackTransaction()).block(Duration.ofSeconds(5));
			Mono.from(holder.close()).block(Duration.ofSeconds(5));
		}
		await().atMost(Duration.ofSeconds(60))
			.until(() -> "completed".equals(captionField(captionId, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcr")).isEqualTo("waited");
		assertThat(endOffsets(Topics.FLOW_EVENTS.deadLetterName())).isEqualTo(deadLetters);
	}

	@Test
	void requestAWorkerGaveUpOnEndsTheCaptionInErrorWithTheReason() {
		long captionId = captionIds().get(1);
		save(captionId, 55, 94);
		CaptionOcrRequested request = request(captionId, revisionOf(captionId));
		ProducerRecord<Object, Object> deadLetter = new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.deadLetterName(),
				"v1", EventJson.write(request));
		deadLetter.headers()
			.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, "broker unreachable".getBytes(StandardCharsets.UTF_8));
		this.kafka.send(deadLetter).join();
		this.kafka.send(Topics.CAPTION_OCR_REQUESTS.deadLetterName(), "v1", "{poison".getBytes(StandardCharsets.UTF_8))
			.join();
		await().atMost(Duration.ofSeconds(20)).until(() -> "error".equals(captionField(captionId, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcrError"))
			.isEqualTo("OCR request failed after retries: broker unreachable");
	}

	@Test
	void aStartThatCouldNotBeAppliedEndsItsCaptionInErrorWithTheReasonOnce() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		CaptionOcrRequested request = request(captionId, revisionOf(captionId));
		String errors = "select count(*) from flow_notifications where caption_id = " + captionId
				+ " and status = 'error'";
		long errorsBefore = count(errors);
		double unreadableBefore = unreadableDeadLetters();
		long deadLettersBefore = endOffsets(Topics.FLOW_EVENTS.deadLetterName());

		deadLetter(EventJson.write(FlowStarted.of(request, "w", Instant.now())), "the database refused it");
		await().atMost(Duration.ofSeconds(20)).until(() -> "error".equals(captionField(captionId, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcrError"))
			.isEqualTo("a flow event could not be applied: the database refused it");
		// the error notification is numbered, so it streams as any other
		await().atMost(Duration.ofSeconds(20)).until(() -> count(errors + " and seq is not null") == errorsBefore + 1);

		// redelivered, then records that are no event, then a result of another caption
		deadLetter(EventJson.write(FlowStarted.of(request, "w", Instant.now())), "the database refused it");
		deadLetter("{poison".getBytes(StandardCharsets.UTF_8), "unreadable");
		deadLetter(new byte[] { (byte) 0xff, 0, (byte) 0xfe }, "unreadable");
		long other = captionIds().get(1);
		save(other, 55, 94);
		deadLetter(EventJson.write(FlowCompleted.complete(request(other, revisionOf(other)), "text", 90, 10, null,
				FlowCompleted.Timings.NONE, "w", Instant.now())), "constraint violated");
		await().atMost(Duration.ofSeconds(20)).until(() -> "error".equals(captionField(other, "captionOcrStatus")));
		assertThat(captionField(other, "captionOcrError"))
			.isEqualTo("a flow event could not be applied: constraint violated");
		assertThat(count(errors)).as("error notifications after the redelivery").isEqualTo(errorsBefore + 1);
		assertThat(unreadableDeadLetters() - unreadableBefore).isEqualTo(2);
		// read, and none dead-lettered again
		assertThat(endOffsets(Topics.FLOW_EVENTS.deadLetterName())).isEqualTo(deadLettersBefore + 5);

		// the request's result, come late: the revision has had its outcome
		String completions = "select count(*) from flow_notifications where caption_id = " + captionId
				+ " and status = 'complete'";
		long completionsBefore = count(completions);
		publish(FlowCompleted.complete(request, "late", 95, 10, null, FlowCompleted.Timings.NONE, "w", Instant.now()));
		// a result after it, on the same partition, shows that it was handled
		save(other, 55, 90);
		publish(FlowCompleted.error(request(other, revisionOf(other)), "after it", FlowCompleted.Timings.NONE, "w",
				Instant.now()));
		await().atMost(Duration.ofSeconds(20)).until(() -> "after it".equals(captionField(other, "captionOcrError")));
		assertThat(captionField(captionId, "captionOcrStatus")).isEqualTo("error");
		assertThat(captionField(captionId, "captionOcrError"))
			.isEqualTo("a flow event could not be applied: the database refused it");
		assertThat(count(completions)).as("complete notifications of the late result").isEqualTo(completionsBefore);
	}

	@Test
	void aDeadLetterLeavesACaptionWhoseResultWasAppliedAsItIs() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		CaptionOcrRequested request = request(captionId, revisionOf(captionId));
		publish(FlowCompleted.complete(request, "applied", 95, 10, null, FlowCompleted.Timings.NONE, "w",
				Instant.now()));
		await().atMost(Duration.ofSeconds(20))
			.until(() -> "completed".equals(captionField(captionId, "captionOcrStatus")));
		deadLetter(EventJson.write(FlowStarted.of(request, "w", Instant.now())), "too late");
		// a dead letter after it, on the same partition, shows that it was handled
		long other = captionIds().get(1);
		save(other, 55, 94);
		deadLetter(EventJson.write(FlowStarted.of(request(other, revisionOf(other)), "w", Instant.now())), "gone");
		await().atMost(Duration.ofSeconds(20)).until(() -> "error".equals(captionField(other, "captionOcrStatus")));
		assertThat(captionField(captionId, "captionOcrStatus")).isEqualTo("completed");
		assertThat(captionField(captionId, "captionOcr")).isEqualTo("applied");
	}

	@Test
	void invalidSavesAreRefusedWithAProblemNamingTheFieldAndChangeNothing() {
		long captionId = captionIds().get(0);
		long revision = revisionOf(captionId);
		long outboxBefore = count("select count(*) from outbox") + count("select count(*) from flow_notifications");

		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", 30, "endFrameIndex", 20, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("endFrameIndex")
			.jsonPath("$.detail")
			.isEqualTo("endFrameIndex 20 is before startFrameIndex 30");
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", 30, "endFrameIndex", 100, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("endFrameIndex 100 is beyond the last frame of the video (99)");
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", -1, "endFrameIndex", 10, "state", "maybe"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[?(@.field == 'startFrameIndex')]")
			.exists()
			.jsonPath("$.errors[?(@.field == 'state')].message")
			.isEqualTo("must be one of predicted, confirmed, gap, issue");
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"startFrameIndex\": 1,")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", 999_999)
			.bodyValue(Map.of("startFrameIndex", 1, "endFrameIndex", 10, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("caption 999999 of video 'v1' does not exist");
		this.http.get().uri("/api/videos/nope/captions").exchange().expectStatus().isNotFound();

		assertThat(revisionOf(captionId)).isEqualTo(revision);
		assertThat(count("select count(*) from outbox") + count("select count(*) from flow_notifications"))
			.isEqualTo(outboxBefore);
	}

	@Test
	void webhookIsAppendedToTheLogAndAnswersWithTheNumberOfListeners() {
		this.http.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", "v1", "flowName", "nightly-import", "status", "complete"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.success")
			.isEqualTo(true)
			.jsonPath("$.message")
			.isEqualTo("nightly-import complete: recorded as complete")
			.jsonPath("$.clients")
			.isEqualTo(0);
		assertThat(count("select count(*) from flow_notifications where flow_name = 'nightly-import'")).isEqualTo(1);

		this.http.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", "v1", "flowName", "x", "status", "finished"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("status");
		this.http.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", "unknown", "flowName", "x", "status", "started"))
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(count("select count(*) from flow_notifications where flow_name = 'x'")).isZero();
	}

	@Test
	void statsCountCaptionsByStateAndOcrStatus() {
		long captionId = captionIds().get(0);
		save(captionId, 5, 44);
		Map<?, ?> stats = this.http.get()
			.uri("/api/videos/v1/stats")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(Map.class)
			.getResponseBody()
			.blockFirst(Duration.ofSeconds(5));
		long total = count("select count(*) from captions where video_id = 'v1'");
		assertThat(((Number) stats.get("totalAnnotations")).longValue()).isEqualTo(total).isEqualTo(2);
		assertThat(((Number) stats.get("totalFrames")).longValue()).isEqualTo(100);
		assertThat(((Number) stats.get("confirmed")).longValue())
			.isEqualTo(count("select count(*) from captions where video_id = 'v1' and extents_state = 'confirmed'"))
			.isPositive();
		long byState = ((Number) stats.get("confirmed")).longValue() + ((Number) stats.get("predicted")).longValue()
				+ ((Number) stats.get("gap")).longValue() + ((Number) stats.get("issue")).longValue();
		assertThat(byState).isEqualTo(total);
		Map<?, ?> ocr = (Map<?, ?>) stats.get("ocr");
		assertThat(ocr.keySet().stream().map(Object::toString)).containsExactly("idle", "queued", "processing",
				"completed", "error");
		assertThat(ocr.values().stream().mapToLong((n) -> ((Number) n).longValue()).sum()).isEqualTo(total);
		assertThat(stats.get("processing")).isEqualTo(count(
				"select count(*) from captions where video_id = 'v1' and caption_ocr_status in ('queued', 'processing')") > 0);
	}

	@Test
	void videoIsServedWithRangeRequestsSoThePlayerCanSeek() throws IOException {
		byte[] bytes = new byte[1000];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		Files.write(workDir.resolve("media/v/v1.mp4"), bytes);
		byte[] whole = this.http.get()
			.uri("/api/videos/v1/media")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType("video/mp4")
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody();
		assertThat(whole).isEqualTo(bytes);
		byte[] part = this.http.get()
			.uri("/api/videos/v1/media")
			.header(HttpHeaders.RANGE, "bytes=100-199")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.PARTIAL_CONTENT)
			.expectHeader()
			.valueEquals(HttpHeaders.CONTENT_RANGE, "bytes 100-199/1000")
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody();
		assertThat(part).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
		this.http.get()
			.uri("/api/videos/nope/media")
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("video 'nope' does not exist");
	}

	private List<Long> captionIds() {
		return this.db.sql("select id from captions where video_id = 'v1' order by start_frame_index")
			.map((row) -> row.get("id", Long.class))
			.all()
			.collectList()
			.block(Duration.ofSeconds(5));
	}

	private void save(long captionId, int start, int end) {
		this.http.put()
			.uri("/api/videos/v1/captions/{id}/extents", captionId)
			.bodyValue(Map.of("startFrameIndex", start, "endFrameIndex", end, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isOk();
	}

	private long revisionOf(long captionId) {
		return count("select revision from captions where id = " + captionId);
	}

	private String captionField(long captionId, String field) {
		Map<?, ?> caption = this.http.get()
			.uri("/api/videos/v1/captions/{id}", captionId)
			.exchange()
			.returnResult(Map.class)
			.getResponseBody()
			.blockFirst(Duration.ofSeconds(5));
		assertThat(caption.containsKey(field)).as("caption has %s", field).isTrue();
		return String.valueOf(caption.get(field));
	}

	private long count(String sql) {
		return this.db.sql(sql).map((row) -> row.get(0, Long.class)).one().block(Duration.ofSeconds(5));
	}

	private CaptionOcrRequested request(long captionId, long revision) {
		return CaptionOcrRequested.of(UUID.randomUUID(), "v1", captionId, revision, 5, 44,
				new CropBox(0, 600, 1280, 100), "eng", "v/v1.mp4", Instant.now());
	}

	private long endOffsets(String topic) {
		try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(
				KafkaTestUtils.consumerProps(this.broker, "offsets-" + UUID.randomUUID(), false),
				new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	/**
	 * Publishes a record to the flow events' dead-letter topic with the headers Spring's
	 * dead-letter publisher writes.
	 */
	private void deadLetter(byte[] value, String reason) {
		ProducerRecord<Object, Object> record = new ProducerRecord<>(Topics.FLOW_EVENTS.deadLetterName(), "v1", value);
		record.headers()
			.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, Topics.FLOW_EVENTS.name().getBytes(StandardCharsets.UTF_8))
			.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(0).array())
			.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(42).array())
			.add(KafkaHeaders.DLT_EXCEPTION_FQCN,
					"org.springframework.kafka.listener.ListenerExecutionFailedException"
						.getBytes(StandardCharsets.UTF_8))
			.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, reason.getBytes(StandardCharsets.UTF_8));
		this.kafka.send(record).join();
	}

	private double unreadableDeadLetters() {
		return this.meters.counter("captionflow.flow-events.dead-letters.unreadable").count();
	}

	private void publish(Object event) {
		String key = "v1";
		this.kafka.send(Topics.FLOW_EVENTS.name(), key, event).join();
	}

}
