package io.captionflow.gateway.caption;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.Topics;
import io.captionflow.gateway.TestDatabase;
import org.apache.kafka.clients.consumer.Consumer;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
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
 * The videos and captions API against an embedded KRaft broker and the H2 database:
 * registering a video probed with FFmpeg, overlap rules with the exact resulting rows,
 * coalescing of saves while a request waits, the sweep of lost requests, the text,
 * delete, image and paging endpoints, stats with entity tags, and refusals that change
 * nothing.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"captionflow.gateway.outbox.poll-interval=200ms", "captionflow.gateway.limits.max-caption-frames=120",
				"captionflow.gateway.sweep.interval=1h", "captionflow.gateway.sweep.stuck-after=30s",
				"captionflow.gateway.sweep.max-attempts=3" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 6)
class CaptionEditingIntegrationTests {

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient db;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	StuckCaptionSweep sweep;

	@Autowired
	ApplicationContext context;

	Consumer<String, byte[]> requests;

	String video;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) {
		registry.add("captionflow.gateway.media-root", () -> workDir.resolve("media").toString());
		TestDatabase.register(registry, workDir);
	}

	@BeforeEach
	void newVideo() {
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.requests = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		this.requests.subscribe(List.of(Topics.CAPTION_OCR_REQUESTS.name()));
		this.video = "edit-" + UUID.randomUUID().toString().substring(0, 8);
		execute("""
				insert into videos (id, title, media_location, fps, frame_count, width, height, crop_x, crop_y,
				  crop_width, crop_height, ocr_language, created_at, updated_at)
				values ('%s', 'Editing', 'e/e.mp4', 25, 200, 1280, 720, 0, 600, 1280, 100, 'eng',
				  current_timestamp, current_timestamp)""".formatted(this.video));
	}

	@AfterEach
	void close() {
		this.requests.close();
	}

	@Test
	void theNewRangeWinsOverItsNeighboursAsAnnotatorsExpect() {
		long a = predicted(0, 9);
		long b = predicted(20, 29);
		long c = predicted(40, 59);
		long d = predicted(70, 79);
		long e = predicted(80, 90);

		Map<?, ?> result = put("/captions/" + c + "/extents", extents(25, 82, "confirmed"));
		assertThat(ids(result.get("deleted"))).containsExactly(d);
		assertThat(listOf(result.get("modified"))).extracting((caption) -> ((Number) caption.get("id")).longValue())
			.containsExactlyInAnyOrder(b, e);
		assertThat(listOf(result.get("created"))).isEmpty();
		assertThat(rows()).containsExactly(row(a, 0, 9, "predicted", true, "idle", 0),
				row(b, 20, 24, "predicted", true, "queued", 1), row(c, 25, 82, "confirmed", false, "queued", 1),
				row(e, 83, 90, "predicted", true, "queued", 1));

		Map<?, ?> created = post("/captions", Map.of("startFrameIndex", 86, "endFrameIndex", 88, "state", "issue"));
		long n = ((Number) ((Map<?, ?>) created.get("caption")).get("id")).longValue();
		assertThat(ids(created.get("deleted"))).isEmpty();
		assertThat(listOf(created.get("modified"))).singleElement()
			.satisfies((caption) -> assertThat(((Number) caption.get("id")).longValue()).isEqualTo(e));
		long right = ((Number) listOf(created.get("created")).get(0).get("id")).longValue();
		assertThat(rows()).containsExactly(row(a, 0, 9, "predicted", true, "idle", 0),
				row(b, 20, 24, "predicted", true, "queued", 1), row(c, 25, 82, "confirmed", false, "queued", 1),
				row(e, 83, 85, "predicted", true, "queued", 2), row(n, 86, 88, "issue", false, "queued", 1),
				row(right, 89, 90, "predicted", true, "queued", 1));

		// every changed caption's newest revision is requested, and nothing for the
		// deleted
		Map<Long, Long> expected = Map.of(b, 1L, c, 1L, e, 2L, n, 1L, right, 1L);
		Map<Long, CaptionOcrRequested> newest = new HashMap<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(this.requests,
					Duration.ofMillis(200))) {
				CaptionOcrRequested request = EventJson.read(record.value(), CaptionOcrRequested.class);
				if (request.videoId().equals(this.video)) {
					newest.merge(request.captionId(), request, (x, y) -> (x.revision() >= y.revision()) ? x : y);
				}
			}
			return expected.entrySet()
				.stream()
				.allMatch((entry) -> newest.containsKey(entry.getKey())
						&& newest.get(entry.getKey()).revision() == entry.getValue());
		});
		assertThat(newest).doesNotContainKeys(a, d);
		assertThat(newest.get(e).startFrameIndex()).isEqualTo(83);
		assertThat(newest.get(e).endFrameIndex()).isEqualTo(85);
		assertThat(newest.get(right).startFrameIndex()).isEqualTo(89);
		assertThat(count(
				"select count(*) from flow_notifications where video_id = '" + this.video + "' and status = 'queued'"))
			.isEqualTo(6);
	}

	@Test
	void savesWhileARequestWaitsPublishOnlyTheNewestRevisionAndTheSweepLeavesItAlone() {
		long caption = predicted(10, 30);
		SmartLifecycle relay = this.context.getBean("outboxRelay", SmartLifecycle.class);
		relay.stop();
		try {
			put("/captions/" + caption + "/extents", extents(10, 25, "confirmed"));
			put("/captions/" + caption + "/extents", extents(11, 25, "confirmed"));
			put("/captions/" + caption + "/extents", extents(12, 25, "confirmed"));
			assertThat(count("select count(*) from outbox where caption_id = " + caption)).isEqualTo(1);
			// the broker is as good as down: the request is late, not lost
			backdate(caption);
			this.sweep.sweep().block(Duration.ofSeconds(10));
			assertThat(rows()).containsExactly(row(caption, 12, 25, "confirmed", false, "queued", 3));
			assertThat(count("select count(*) from outbox where caption_id = " + caption)).isEqualTo(1);
		}
		finally {
			relay.start();
		}
		List<CaptionOcrRequested> published = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			collect(published);
			return !published.isEmpty();
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from outbox") == 0);
		collect(published);
		assertThat(published).singleElement().satisfies((request) -> {
			assertThat(request.revision()).isEqualTo(3);
			assertThat(request.startFrameIndex()).isEqualTo(12);
		});
	}

	@Test
	void theSweepLooksPastPagesOfRequestsThatWaitInTheOutbox() {
		long lost = predicted(180, 190);
		put("/captions/" + lost + "/extents", extents(180, 190, "confirmed"));
		await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from outbox") == 0);
		SmartLifecycle relay = this.context.getBean("outboxRelay", SmartLifecycle.class);
		relay.stop();
		try {
			// more captions waiting for the broker than the sweep reads at once, all with
			// older news than the one whose request was lost
			List<Long> waiting = new ArrayList<>();
			for (int frame = 0; frame < 150; frame++) {
				long caption = predicted(frame, frame);
				put("/captions/" + caption + "/extents", extents(frame, frame, "confirmed"));
				waiting.add(caption);
			}
			this.db.sql("update captions set updated_at = :at where video_id = :video and id <> :lost")
				.bind("at", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2))
				.bind("video", this.video)
				.bind("lost", lost)
				.fetch()
				.rowsUpdated()
				.block(Duration.ofSeconds(5));
			backdate(lost);
			this.sweep.sweep().block(Duration.ofSeconds(10));

			assertThat(count("select revision from captions where id = " + lost)).isEqualTo(2);
			assertThat(count("select count(*) from captions where video_id = '" + this.video
					+ "' and revision = 1 and caption_ocr_status = 'queued' and id <> " + lost))
				.isEqualTo(waiting.size());
			// one request waits for each caption, the lost one's new request among them
			assertThat(count("select count(*) from outbox where topic = '" + Topics.CAPTION_OCR_REQUESTS_NAME + "'"))
				.isEqualTo(waiting.size() + 1);
		}
		finally {
			relay.start();
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> count("select count(*) from outbox") == 0);
	}

	@Test
	void lostRequestsAreQueuedAgainThenEndInErrorWithTheReason() {
		long caption = predicted(10, 30);
		put("/captions/" + caption + "/extents", extents(10, 30, "confirmed"));
		await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from outbox") == 0);

		for (int attempt = 2; attempt <= 3; attempt++) {
			backdate(caption);
			this.sweep.sweep().block(Duration.ofSeconds(10));
			assertThat(rows()).containsExactly(row(caption, 10, 30, "confirmed", false, "queued", attempt));
			assertThat(count("select ocr_attempts from captions where id = " + caption)).isEqualTo(attempt);
			await().atMost(Duration.ofSeconds(10)).until(() -> count("select count(*) from outbox") == 0);
		}
		backdate(caption);
		this.sweep.sweep().block(Duration.ofSeconds(10));
		Map<?, ?> ended = get("/captions/" + caption);
		assertThat(ended.get("captionOcrStatus")).isEqualTo("error");
		assertThat(ended.get("captionOcrError")).isEqualTo("OCR did not finish after 3 attempts (no news for 30 s)");
		assertThat(count(
				"select count(*) from flow_notifications where caption_id = " + caption + " and status = 'error'"))
			.isEqualTo(1);

		List<CaptionOcrRequested> published = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			collect(published);
			return published.size() == 3;
		});
		assertThat(published).extracting(CaptionOcrRequested::revision).containsExactly(1L, 2L, 3L);

		// the request given up on answers after all: recorded, and the error stays
		FlowCompleted late = FlowCompleted.complete(published.get(2), "Late text", 90, 10, null,
				FlowCompleted.Timings.NONE, "w", Instant.now());
		assertThat(this.context.getBean(CaptionOcrResults.class)
			.completed(late, Instant.now())
			.block(Duration.ofSeconds(5))).isFalse();
		Map<?, ?> after = get("/captions/" + caption);
		assertThat(after.get("captionOcrStatus")).isEqualTo("error");
		assertThat(after.get("captionOcrError")).isEqualTo("OCR did not finish after 3 attempts (no news for 30 s)");
	}

	@Test
	void textIsSavedWithoutQueueingOcrAndADeletedCaptionIsGone() {
		long caption = predicted(10, 30);
		Map<?, ?> saved = put("/captions/" + caption + "/text",
				Map.of("text", "Hello there", "textStatus", "confirmed", "notes", "checked twice"));
		assertThat(saved.get("text")).isEqualTo("Hello there");
		assertThat(saved.get("textPending")).isEqualTo(false);
		assertThat(saved.get("notes")).isEqualTo("checked twice");
		assertThat(saved.get("captionOcrStatus")).isEqualTo("idle");
		assertThat(count("select count(*) from outbox where caption_id = " + caption)).isZero();
		// the open pages hear of it
		assertThat(count("select count(*) from flow_notifications where caption_id = " + caption
				+ " and flow_name = 'caption-edit' and status = 'complete'"))
			.isEqualTo(1);

		this.http.get()
			.uri("/api/videos/{v}/captions/{c}/image", this.video, caption)
			.exchange()
			.expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("caption " + caption + " of video '" + this.video + "' has no median image yet");

		this.http.delete()
			.uri("/api/videos/{v}/captions/{c}", this.video, caption)
			.exchange()
			.expectStatus()
			.isNoContent();
		this.http.get().uri("/api/videos/{v}/captions/{c}", this.video, caption).exchange().expectStatus().isNotFound();
		assertThat(count("select count(*) from flow_notifications where caption_id = " + caption
				+ " and flow_name = 'caption-edit'"))
			.isEqualTo(2);
		this.http.delete()
			.uri("/api/videos/{v}/captions/{c}", this.video, caption)
			.exchange()
			.expectStatus()
			.isNotFound();
		assertThat(count("select count(*) from flow_notifications where caption_id = " + caption)).isEqualTo(2);
	}

	@Test
	void theMedianImageIsServedOnceTheWorkerMadeIt() throws Exception {
		long caption = predicted(10, 30);
		Path image = workDir.resolve("media/e/e.mp4.captionflow/caption-" + caption + ".png");
		Files.createDirectories(image.getParent());
		byte[] png = { (byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 1, 2, 3 };
		Files.write(image, png);
		execute("update captions set caption_ocr_image = 'e/e.mp4.captionflow/caption-" + caption + ".png' where id = "
				+ caption);
		this.http.get()
			.uri("/api/videos/{v}/captions/{c}/image", this.video, caption)
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.IMAGE_PNG)
			.expectBody(byte[].class)
			.isEqualTo(png);

		// a location that leaves the media root is not served, whatever lies there
		Files.write(workDir.resolve("outside.png"), png);
		execute("update captions set caption_ocr_image = '../outside.png' where id = " + caption);
		this.http.get()
			.uri("/api/videos/{v}/captions/{c}/image", this.video, caption)
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void captionsArePagedByStartFrame() {
		List<Long> ids = new ArrayList<>();
		for (int i = 9; i >= 0; i--) {
			ids.add(0, predicted(i * 10, i * 10 + 5));
		}
		Map<?, ?> second = this.http.get()
			.uri("/api/videos/{v}/captions?page=1&size=4", this.video)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(second.get("totalElements")).isEqualTo(10);
		assertThat(listOf(second.get("content"))).extracting((caption) -> ((Number) caption.get("id")).longValue())
			.containsExactlyElementsOf(ids.subList(4, 8));
		this.http.get()
			.uri("/api/videos/{v}/captions?size=5000", this.video)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("size");
	}

	@Test
	void statsCarryAnEntityTagThatAnswers304UntilSomethingChanges() {
		long caption = predicted(10, 30);
		String etag = this.http.get()
			.uri("/api/videos/{v}/stats", this.video)
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(String.class)
			.getResponseHeaders()
			.getETag();
		assertThat(etag).isNotBlank();
		this.http.get()
			.uri("/api/videos/{v}/stats", this.video)
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isNotModified();
		put("/captions/" + caption + "/extents", extents(10, 20, "confirmed"));
		this.http.get()
			.uri("/api/videos/{v}/stats", this.video)
			.header(HttpHeaders.IF_NONE_MATCH, etag)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.confirmed")
			.isEqualTo(1);
	}

	@Test
	void refusalsNameTheProblemAndWriteNothing() {
		long caption = predicted(10, 30);
		long before = count("select count(*) from outbox") + count("select count(*) from flow_notifications")
				+ count("select sum(revision) from captions where video_id = '" + this.video + "'");
		String uri = "/api/videos/" + this.video + "/captions/" + caption + "/extents";

		this.http.put()
			.uri(uri)
			.bodyValue(extents(0, 150, "confirmed"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("the range 0..150 is 151 frames long; a caption may span at most 120");
		this.http.put()
			.uri(uri)
			.contentType(MediaType.TEXT_PLAIN)
			.bodyValue("10-20")
			.exchange()
			.expectStatus()
			.isEqualTo(415)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("text/plain"));
		this.http.put()
			.uri("/api/videos/" + this.video + "/captions/" + caption + "/text")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"textStatus\":\"confirmed\",\"text\":\"" + "x".repeat(70_000) + "\"}")
			.exchange()
			.expectStatus()
			.isEqualTo(413)
			.expectHeader()
			.contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat((String) detail).contains("larger than the limit of 65536 bytes"));
		this.http.put()
			.uri("/api/videos/" + this.video + "/captions/" + caption + "/text")
			.bodyValue(Map.of("text", "x", "textStatus", "maybe"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("textStatus");
		this.http.post()
			.uri("/api/videos/" + this.video + "/captions")
			.bodyValue(Map.of("startFrameIndex", 10, "endFrameIndex", 300, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("endFrameIndex");
		this.http.post()
			.uri("/api/videos/nope/captions")
			.bodyValue(Map.of("startFrameIndex", 10, "endFrameIndex", 20, "state", "confirmed"))
			.exchange()
			.expectStatus()
			.isNotFound();
		this.http.patch()
			.uri("/api/videos/" + this.video)
			.bodyValue(Map.of("crop", Map.of("x", 0, "y", 650, "width", 1280, "height", 100)))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("crop box 0,650 1280x100 does not fit the 1280x720 video");
		this.http.patch()
			.uri("/api/videos/" + this.video)
			.bodyValue(Map.of("language", "English"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("language");

		assertThat(count("select count(*) from outbox") + count("select count(*) from flow_notifications")
				+ count("select sum(revision) from captions where video_id = '" + this.video + "'"))
			.isEqualTo(before);
		assertThat(count("select count(*) from captions where video_id = '" + this.video + "'")).isEqualTo(1);
		assertThat(get("/captions/" + caption).get("text")).isNull();
	}

	@Test
	void aVideosCropBoxAndLanguageCanBeChanged() {
		Map<?, ?> video = this.http.patch()
			.uri("/api/videos/" + this.video)
			.bodyValue(Map.of("crop", Map.of("x", 10, "y", 580, "width", 1200, "height", 120), "language", "chi_sim"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(video.get("crop")).isEqualTo(Map.of("x", 10, "y", 580, "width", 1200, "height", 120));
		assertThat(video.get("language")).isEqualTo("chi_sim");
		long caption = predicted(10, 30);
		put("/captions/" + caption + "/extents", extents(10, 30, "confirmed"));
		List<CaptionOcrRequested> published = new ArrayList<>();
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			collect(published);
			return !published.isEmpty();
		});
		assertThat(published.get(0).language()).isEqualTo("chi_sim");
		assertThat(published.get(0).crop().y()).isEqualTo(580);
	}

	@Test
	void aVideoIsRegisteredByItsMediaLocationAndProbedWithFfmpeg() throws Exception {
		Path file = workDir.resolve("media/registered/small.mp4");
		Files.createDirectories(file.getParent());
		try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 320, 240, 0);
				Java2DFrameConverter converter = new Java2DFrameConverter()) {
			recorder.setFormat("mp4");
			recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
			recorder.setFrameRate(25);
			recorder.start();
			BufferedImage frame = new BufferedImage(320, 240, BufferedImage.TYPE_3BYTE_BGR);
			for (int i = 0; i < 30; i++) {
				recorder.record(converter.convert(frame));
			}
			recorder.stop();
		}
		String id = "registered-" + UUID.randomUUID().toString().substring(0, 8);
		this.http.post()
			.uri("/api/videos")
			.bodyValue(Map.of("id", id, "title", "Small", "media", "registered/small.mp4"))
			.exchange()
			.expectStatus()
			.isCreated()
			.expectHeader()
			.location("/api/videos/" + id)
			.expectBody()
			.jsonPath("$.frameCount")
			.isEqualTo(30)
			.jsonPath("$.width")
			.isEqualTo(320)
			.jsonPath("$.fps")
			.isEqualTo(25.0)
			.jsonPath("$.crop.y")
			.isEqualTo(200)
			.jsonPath("$.language")
			.isEqualTo("eng");
		this.http.post()
			.uri("/api/videos")
			.bodyValue(Map.of("id", id, "title", "Again", "media", "registered/small.mp4"))
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("video '" + id + "' already exists");
		for (String media : List.of("registered/none.mp4", "../outside.mp4")) {
			this.http.post()
				.uri("/api/videos")
				.bodyValue(Map.of("title", "Missing", "media", media))
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("media");
		}
		Files.writeString(workDir.resolve("media/registered/not-a-video.mp4"), "hello");
		this.http.post()
			.uri("/api/videos")
			.bodyValue(Map.of("title", "Text", "media", "registered/not-a-video.mp4"))
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.detail")
			.value((String detail) -> assertThat(detail)
				.startsWith("media 'registered/not-a-video.mp4' is not a readable video"));
		assertThat(count("select count(*) from videos where title in ('Again', 'Missing', 'Text')")).isZero();
	}

	/**
	 * Makes a caption look as if nothing had happened to it for a minute.
	 */
	private void backdate(long caption) {
		this.db.sql("update captions set updated_at = :at where id = :id")
			.bind("at", OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))
			.bind("id", caption)
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(5));
	}

	private long predicted(int start, int end) {
		return this.db.sql("""
				insert into captions (video_id, start_frame_index, end_frame_index, extents_state, extents_pending,
				  caption_ocr_status, created_at, updated_at)
				values (:video, :start, :end, 'predicted', true, 'idle', current_timestamp, current_timestamp)""")
			.bind("video", this.video)
			.bind("start", start)
			.bind("end", end)
			.filter((statement) -> statement.returnGeneratedValues("id"))
			.map((row) -> row.get("id", Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

	private List<String> rows() {
		return this.db.sql("""
				select id, start_frame_index, end_frame_index, extents_state, extents_pending, caption_ocr_status,
				  revision from captions where video_id = :video order by start_frame_index""")
			.bind("video", this.video)
			.map((row) -> row(row.get("id", Long.class), row.get("start_frame_index", Integer.class),
					row.get("end_frame_index", Integer.class), row.get("extents_state", String.class),
					row.get("extents_pending", Boolean.class), row.get("caption_ocr_status", String.class),
					row.get("revision", Long.class)))
			.all()
			.collectList()
			.block(Duration.ofSeconds(5));
	}

	private static String row(long id, int start, int end, String state, boolean pending, String status,
			long revision) {
		return "#" + id + " " + start + ".." + end + " " + state + (pending ? " (pending)" : "") + " " + status + " r"
				+ revision;
	}

	private static Map<String, Object> extents(int start, int end, String state) {
		return Map.of("startFrameIndex", start, "endFrameIndex", end, "state", state);
	}

	private Map<?, ?> put(String path, Object body) {
		return this.http.put()
			.uri("/api/videos/" + this.video + path)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private Map<?, ?> post(String path, Object body) {
		return this.http.post()
			.uri("/api/videos/" + this.video + path)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	private Map<?, ?> get(String path) {
		return this.http.get()
			.uri("/api/videos/" + this.video + path)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> listOf(Object value) {
		return (List<Map<String, Object>>) value;
	}

	private static List<Long> ids(Object value) {
		return ((List<?>) value).stream().map((id) -> ((Number) id).longValue()).toList();
	}

	private void collect(List<CaptionOcrRequested> published) {
		for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(this.requests, Duration.ofMillis(200))) {
			CaptionOcrRequested request = EventJson.read(record.value(), CaptionOcrRequested.class);
			if (request.videoId().equals(this.video)) {
				published.add(request);
			}
		}
	}

	private long count(String sql) {
		Number value = this.db.sql(sql).map((row) -> row.get(0, Number.class)).one().block(Duration.ofSeconds(5));
		return (value != null) ? value.longValue() : 0;
	}

	private void execute(String sql) {
		this.db.sql(sql).fetch().rowsUpdated().block(Duration.ofSeconds(5));
	}

}
