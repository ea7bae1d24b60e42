package io.captionflow.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.HostileJson;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.events.VideoNotification;
import io.captionflow.testsupport.TestVideos;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile-input suite of the gateway: generated and mutated requests to every
 * endpoint that writes or reads by id, and crafted records on every topic the gateway
 * consumes, against a real gateway on an embedded KRaft broker. After each case: a 4xx
 * answer is a problem body that names no Java type and changed nothing, nothing is
 * answered 5xx, and the consumers keep consuming (a known-good record after the crafted
 * ones is applied). The number of cases run per target is printed at the end.
 */
class HostileInputIntegrationTests {

	private static final String VIDEO = "hostile";

	private static final Map<String, AtomicInteger> cases = new ConcurrentSkipListMap<>();

	private static Path workDir;

	private static EmbeddedKafkaKraftBroker broker;

	private static ConfigurableApplicationContext gateway;

	private static WebClient http;

	private static DatabaseClient db;

	private static KafkaProducer<String, byte[]> producer;

	private static String base;

	@BeforeContainer
	static void start() throws IOException {
		workDir = Files.createTempDirectory("captionflow-hostile");
		Path media = workDir.resolve("media");
		TestVideos.manifest(media,
				new VideoManifest(VIDEO, "Hostile", "h/hostile.mp4", 25, 400, 640, 360, new CropBox(0, 300, 640, 60),
						"eng", List.of(new VideoManifest.PredictedCaption(10, 20, null),
								new VideoManifest.PredictedCaption(40, 60, null))));
		Files.writeString(media.resolve("h/not-a-video.mp4"), "hello, I am text");
		Files.write(media.resolve("h/empty.mp4"), new byte[0]);
		byte[] video = Files.readAllBytes(media.resolve("h/hostile.mp4"));
		Files.write(media.resolve("h/truncated.mp4"), Arrays.copyOf(video, video.length / 3));
		Files.createSymbolicLink(media.resolve("h/escape.mp4"), Path.of("/etc/hostname"));
		TestVideos.render(media.resolve("h/too-wide.mp4"), 7696, 16, 2, 25);
		// manifests the importer must refuse, each for one reason, beside the good one
		write(media.resolve("bad/crop.video.json"), new VideoManifest("bad-crop", "Bad crop", "h/hostile.mp4", 25, 400,
				640, 360, new CropBox(100, 0, Integer.MAX_VALUE - 50, 10), "eng", List.of()));
		write(media.resolve("bad/media.video.json"), new VideoManifest("bad-media", "Bad media", "h/not-a-video.mp4",
				25, 400, 640, 360, new CropBox(0, 300, 640, 60), "eng", List.of()));
		write(media.resolve("bad/range.video.json"),
				new VideoManifest("bad-range", "Bad range", "h/hostile.mp4", 25, 400, 640, 360,
						new CropBox(0, 300, 640, 60), "eng",
						List.of(new VideoManifest.PredictedCaption(390, Integer.MAX_VALUE, null))));
		write(media.resolve("bad/escape.video.json"), new VideoManifest("bad-escape", "Escape", "h/escape.mp4", 25, 400,
				640, 360, new CropBox(0, 300, 640, 60), "eng", List.of()));
		write(media.resolve("bad/language.video.json"), new VideoManifest("bad-language", "Language", "h/hostile.mp4",
				25, 400, 640, 360, new CropBox(0, 300, 640, 60), "eng+eng", List.of()));
		broker = new EmbeddedKafkaKraftBroker(1, 6);
		broker.afterPropertiesSet();
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
						"--captionflow.gateway.media-root=" + media, "--captionflow.gateway.data-dir=" + workDir,
						"--captionflow.gateway.outbox.poll-interval=200ms",
						// the suite fires thousands of writes from one address as fast as
						// it can: not what the rate limit is tested on
						"--captionflow.gateway.admission.writes.per-second=1000000",
						"--captionflow.gateway.admission.writes.burst=1000000",
						"--captionflow.gateway.admission.webhooks.per-second=1000000",
						"--captionflow.gateway.admission.webhooks.burst=1000000"));
		TestDatabase.properties(workDir).forEach((name, value) -> arguments.add("--" + name + "=" + value));
		gateway = GatewayApplication.create().run(arguments.toArray(String[]::new));
		base = "http://localhost:" + gateway.getEnvironment().getProperty("local.server.port");
		http = WebClient.builder()
			.baseUrl(base)
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1 << 20))
			.build();
		db = gateway.getBean(DatabaseClient.class);
		producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
				new StringSerializer(), new ByteArraySerializer());
	}

	@AfterContainer
	static void stop() {
		System.out.println("Hostile-input cases run, by target:");
		cases.forEach((target, count) -> System.out.printf("  %-40s %6d%n", target, count.get()));
		if (producer != null) {
			producer.close();
		}
		if (gateway != null) {
			gateway.close();
		}
		if (broker != null) {
			broker.destroy();
		}
	}

	// ---- the cases the issue names ----

	@Example
	void anOverflowingCropIsRefusedNamingTheCropAndSavesKeepQueueing() {
		exchange("PATCH video", HttpMethod.PATCH, "/api/videos/" + VIDEO,
				"{\"crop\":{\"x\":100,\"y\":0,\"width\":2147483597,\"height\":10}}");
		JsonNode problem = http.patch()
			.uri("/api/videos/" + VIDEO)
			.bodyValue(Map.of("crop", Map.of("x", 100, "y", 0, "width", Integer.MAX_VALUE - 50, "height", 10)))
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
			.block(Duration.ofSeconds(30));
		assertThat(problem.get("status").asInt()).isEqualTo(400);
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("crop");
		assertThat(problem.get("detail").asString()).contains("does not fit the 640x360 video");
		assertThat(aKnownGoodSaveQueues()).isEqualTo("queued");
	}

	@Example
	void aStoredCropNoWorkerWouldTakeRefusesSavesNamingTheCrop() {
		// as a video registered before the limits existed may have
		db.sql("insert into videos (id, title, media_location, fps, frame_count, width, height, crop_x, crop_y,"
				+ " crop_width, crop_height, ocr_language, created_at, updated_at) values ('legacy', 'Legacy',"
				+ " 'h/hostile.mp4', 25, 400, 640, 360, 100, 0, 2147483597, 10, 'eng', current_timestamp,"
				+ " current_timestamp)")
			.then()
			.block();
		exchange("POST captions", HttpMethod.POST, "/api/videos/legacy/captions",
				"{\"startFrameIndex\":1,\"endFrameIndex\":5,\"state\":\"predicted\"}");
		JsonNode problem = http.post()
			.uri("/api/videos/legacy/captions")
			.bodyValue(Map.of("startFrameIndex", 1, "endFrameIndex", 5, "state", "predicted"))
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
			.block(Duration.ofSeconds(30));
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("crop");
		assertThat(problem.get("detail").asString()).contains("the video's crop box", "PATCH");
	}

	@Example
	void craftedMediaFilesAreRefusedWithTheirReason() {
		Map<String, String> reasons = Map.of("h/not-a-video.mp4", "is not a readable video", "h/empty.mp4", "is empty",
				"h/truncated.mp4", "", "h/escape.mp4", "is not a file under the media root", "h/too-wide.mp4",
				"the largest video accepted is 7680x4320", "../h/hostile.mp4", "is not a file under the media root");
		reasons.forEach((file, reason) -> {
			String body = "{\"title\":\"Crafted\",\"media\":\"" + file + "\"}";
			count("POST videos (crafted media)", 1);
			JsonNode answer = http.post()
				.uri("/api/videos")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(body)
				.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
				.block(Duration.ofSeconds(60));
			if (file.equals("h/truncated.mp4") && answer.has("id")) {
				// a third of an MP4 may still hold its index and first frames: registered
				// as
				// what FFmpeg can read, which a worker then decodes or refuses
				return;
			}
			assertThat(answer.get("status").asInt()).as(file).isEqualTo(400);
			assertThat(answer.get("errors").get(0).get("field").asString()).isEqualTo("media");
			assertThat(answer.get("detail").asString()).as(file).contains(reason);
		});
		assertThat(http.get().uri("/actuator/health").retrieve().bodyToMono(String.class).block()).contains("UP");
	}

	@Example
	void manifestsThatBreakTheRulesAreNotImportedAndTheOthersAre() {
		List<String> ids = http.get()
			.uri("/api/videos")
			.retrieve()
			.bodyToFlux(JsonNode.class)
			.map((video) -> video.get("id").asString())
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(ids).contains(VIDEO)
			.doesNotContain("bad-crop", "bad-media", "bad-range", "bad-escape", "bad-language");
	}

	@Example
	void unreadableBodiesAreDescribedInTheApisWords() {
		long caption = knownCaption();
		JsonNode problem = http.put()
			.uri("/api/videos/" + VIDEO + "/captions/" + caption + "/extents")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"startFrameIndex\":\"ten\",\"endFrameIndex\":20,\"state\":\"confirmed\"}")
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
			.block(Duration.ofSeconds(30));
		assertThat(problem.get("detail").asString()).isEqualTo("startFrameIndex must be a whole number");
		assertThat(problem.get("errors").get(0).get("field").asString()).isEqualTo("startFrameIndex");
		JsonNode twice = http.put()
			.uri("/api/videos/" + VIDEO + "/captions/" + caption + "/extents")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"startFrameIndex\":1,\"startFrameIndex\":2,\"endFrameIndex\":20,\"state\":\"gap\"}")
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
			.block(Duration.ofSeconds(30));
		assertThat(twice.get("detail").asString()).contains("Duplicate Object property \"startFrameIndex\"");
		JsonNode nul = http.get()
			.uri(URI.create(base + "/api/videos/a%00b"))
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class))
			.block(Duration.ofSeconds(30));
		assertThat(nul.get("status").asInt()).isEqualTo(400);
		assertThat(nul.get("errors").get(0).get("field").asString()).isEqualTo("path");
	}

	@Example
	void aMedianImageNamedByAnEventIsKeptOnlyAtTheCaptionsOwnLocation() {
		CaptionOcrRequested request = queuedRequest();
		producer.send(new ProducerRecord<>(Topics.FLOW_EVENTS.name(), VIDEO,
				EventJson.write(FlowCompleted.complete(request, "read", 95, 5, "../../../etc/passwd",
						FlowCompleted.Timings.NONE, "hostile-suite", Instant.now()))));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(status(request.captionId())).isEqualTo("completed"));
		assertThat(db.sql("select caption_ocr_image from captions where id = :id")
			.bind("id", request.captionId())
			.map((row) -> Optional.ofNullable(row.get(0, String.class)))
			.one()
			.block()).isEmpty();
		assertThat(http.get()
			.uri("/api/videos/" + VIDEO + "/captions/" + request.captionId() + "/image")
			.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
			.block()).isEqualTo(404);
	}

	@Example
	void aLinkPlantedAtAnImagesLocationIsNotFollowedOutOfTheMediaRoot() throws IOException {
		CaptionOcrRequested request = queuedRequest();
		String location = "h/hostile.mp4.captionflow/caption-" + request.captionId() + ".png";
		Path link = workDir.resolve("media").resolve(location);
		Files.createDirectories(link.getParent());
		Files.createSymbolicLink(link, Path.of("/etc/hostname"));
		producer.send(new ProducerRecord<>(Topics.FLOW_EVENTS.name(), VIDEO, EventJson.write(FlowCompleted
			.complete(request, "read", 95, 5, location, FlowCompleted.Timings.NONE, "hostile-suite", Instant.now()))));
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(status(request.captionId())).isEqualTo("completed"));
		assertThat(http.get()
			.uri("/api/videos/" + VIDEO + "/captions/" + request.captionId() + "/image")
			.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
			.block()).isEqualTo(404);
	}

	// ---- REST endpoints ----

	@Property(tries = 300, shrinking = ShrinkingMode.OFF)
	void extentsSavesAreAnsweredOrRefusedCleanly(@ForAll("extentsBodies") String body) {
		long caption = knownCaption();
		exchange("PUT extents", HttpMethod.PUT, "/api/videos/" + VIDEO + "/captions/" + caption + "/extents", body);
	}

	@Property(tries = 200, shrinking = ShrinkingMode.OFF)
	void captionCreationsAreAnsweredOrRefusedCleanly(@ForAll("createBodies") String body) {
		exchange("POST captions", HttpMethod.POST, "/api/videos/" + VIDEO + "/captions", body);
	}

	@Property(tries = 200, shrinking = ShrinkingMode.OFF)
	void textSavesAreAnsweredOrRefusedCleanly(@ForAll("textBodies") String body) {
		long caption = knownCaption();
		exchange("PUT text", HttpMethod.PUT, "/api/videos/" + VIDEO + "/captions/" + caption + "/text", body);
	}

	@Property(tries = 300, shrinking = ShrinkingMode.OFF)
	void videoPatchesAreAnsweredOrRefusedCleanly(@ForAll("patchBodies") String body) {
		exchange("PATCH video", HttpMethod.PATCH, "/api/videos/" + VIDEO, body);
		// whatever was accepted, the video's box still fits it and a save still queues
		JsonNode video = http.get().uri("/api/videos/" + VIDEO).retrieve().bodyToMono(JsonNode.class).block();
		JsonNode crop = video.get("crop");
		long right = crop.get("x").asLong() + crop.get("width").asLong();
		long bottom = crop.get("y").asLong() + crop.get("height").asLong();
		assertThat(right).as("right edge of the stored box %s", crop).isLessThanOrEqualTo(640);
		assertThat(bottom).as("bottom edge of the stored box %s", crop).isLessThanOrEqualTo(360);
		assertThat(aKnownGoodSaveQueues()).isEqualTo("queued");
	}

	@Property(tries = 60, shrinking = ShrinkingMode.OFF)
	void registrationsAreAnsweredOrRefusedCleanly(@ForAll("registerBodies") String body) {
		exchange("POST videos", HttpMethod.POST, "/api/videos", body);
	}

	@Property(tries = 200, shrinking = ShrinkingMode.OFF)
	void webhooksAreAnsweredOrRefusedCleanly(@ForAll("webhookBodies") String body) {
		exchange("POST webhook", HttpMethod.POST, "/api/webhooks/prefect", body);
	}

	@Property(tries = 300, shrinking = ShrinkingMode.OFF)
	void readsByHostileIdsAreAnsweredOrRefusedCleanly(@ForAll("hostileIds") String id,
			@ForAll("hostileNumbers") String number, @ForAll("readPaths") String path) {
		String encoded = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
		String uri = path.replace("{id}", encoded).replace("{n}", URLEncoder.encode(number, StandardCharsets.UTF_8));
		exchange("GET by id", HttpMethod.GET, uri, null);
	}

	// ---- topics ----

	@Property(tries = 25, shrinking = ShrinkingMode.OFF)
	void craftedFlowEventsNeverStopTheFlowEventConsumer(@ForAll("craftedFlowEvents") List<byte[]> crafted) {
		count("flow-events records", crafted.size());
		long dltBefore = endOffsets(Topics.FLOW_EVENTS.deadLetterName());
		for (byte[] value : crafted) {
			producer.send(new ProducerRecord<>(Topics.FLOW_EVENTS.name(), VIDEO, value));
		}
		// a good event after the crafted ones, on the same partition (same key), is
		// applied
		CaptionOcrRequested request = queuedRequest();
		producer.send(new ProducerRecord<>(Topics.FLOW_EVENTS.name(), VIDEO,
				EventJson.write(FlowStarted.of(request, "hostile-suite", Instant.now()))));
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(status(request.captionId())).isEqualTo("processing"));
		// every record refused at once is in the dead-letter topic with its reason
		long unreadable = crafted.stream().filter(HostileInputIntegrationTests::unreadableFlowEvent).count();
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(endOffsets(Topics.FLOW_EVENTS.deadLetterName()) - dltBefore)
				.isGreaterThanOrEqualTo(unreadable));
		for (ConsumerRecord<String, byte[]> letter : deadLetters(Topics.FLOW_EVENTS.deadLetterName())) {
			assertThat(letter.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isNotNull();
			assertThat(letter.headers().lastHeader(KafkaHeaders.DLT_ORIGINAL_OFFSET)).isNotNull();
		}
	}

	@Property(tries = 15, shrinking = ShrinkingMode.OFF)
	void craftedDeadLettersAreHandledAndNeverDeadLetteredAgain(@ForAll("craftedRequests") List<byte[]> crafted) {
		count("caption-ocr-requests.DLT records", crafted.size());
		String topic = Topics.CAPTION_OCR_REQUESTS.deadLetterName();
		for (byte[] value : crafted) {
			producer.send(new ProducerRecord<>(topic, VIDEO, value));
		}
		CaptionOcrRequested request = queuedRequest();
		ProducerRecord<String, byte[]> good = new ProducerRecord<>(topic, VIDEO, EventJson.write(request));
		good.headers().add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, "gave up".getBytes(StandardCharsets.UTF_8));
		producer.send(good);
		long sent = crafted.size() + 1;
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(status(request.captionId())).isEqualTo("error"));
		// the gateway read them all and put none back
		assertThat(endOffsets(topic)).isEqualTo(deadLettersSent.addAndGet(sent));
	}

	private static final AtomicLong deadLettersSent = new AtomicLong();

	@Property(tries = 15, shrinking = ShrinkingMode.OFF)
	void craftedNotificationsNeverReachBrowsersNorHideRealOnes(@ForAll("craftedNotifications") List<String> crafted) {
		count("video-notifications records", crafted.size());
		long head = db.sql("select coalesce(max(seq), 0) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
		long epoch = db.sql("select epoch from notification_epoch where id = 1")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
		String flow = "after-crafted-" + UUID.randomUUID();
		try (SseClient client = SseClient.connect(base + "/api/events/video-stats?videoId=" + VIDEO,
				Map.of("Last-Event-ID", epoch + "-" + head))) {
			for (String json : crafted) {
				// the id a real notification is about to get, and the one after it
				String value = json.replace("\"__NEXT__\"", Long.toString(head + 1))
					.replace("__NEXT__", Long.toString(head + 1));
				producer.send(new ProducerRecord<>(Topics.VIDEO_NOTIFICATIONS.name(), VIDEO,
						value.getBytes(StandardCharsets.UTF_8)));
			}
			producer.flush();
			http.post()
				.uri("/api/webhooks/prefect")
				.bodyValue(Map.of("videoId", VIDEO, "flowName", flow, "status", "started"))
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofSeconds(30));
			long expected = head + 1;
			while (true) {
				SseClient.Frame event = client.nextEvent(Duration.ofSeconds(30));
				JsonNode data = EventJson.mapper().readTree(event.data());
				assertThat(event.idValue()).as("ids in order, from the log").isEqualTo(expected++);
				assertThat(event.epoch()).as("in the log's epoch").isEqualTo(epoch);
				assertThat(data.get("source").asString()).as("no crafted record reaches a browser")
					.isNotEqualTo("crafted");
				if (flow.equals(data.get("flowName").asString())) {
					break;
				}
			}
		}
	}

	// ---- generators ----

	@Provide
	Arbitrary<String> extentsBodies() {
		return HostileJson.mutated(Map.of("startFrameIndex", "10", "endFrameIndex", "20", "state", "\"confirmed\""));
	}

	@Provide
	Arbitrary<String> createBodies() {
		return HostileJson.mutated(Map.of("startFrameIndex", "100", "endFrameIndex", "110", "state", "\"predicted\"",
				"text", "\"hello\""));
	}

	@Provide
	Arbitrary<String> textBodies() {
		return HostileJson.mutated(Map.of("text", "\"hello\"", "textStatus", "\"pending\"", "notes", "\"a note\""));
	}

	@Provide
	Arbitrary<String> patchBodies() {
		Arbitrary<String> edge = Arbitraries.of("0", "1", "-1", "59", "60", "299", "300", "301", "359", "360", "639",
				"640", "641", "100", "2147483647", "2147483597", "-2147483648", "2147483648", "1e10", "0.5", "null",
				"\"7\"");
		Arbitrary<String> crop = Combinators.combine(edge, edge, edge, edge)
			.as((x, y, w, h) -> "{\"x\":" + x + ",\"y\":" + y + ",\"width\":" + w + ",\"height\":" + h + "}");
		Arbitrary<String> boxes = crop.map((box) -> "{\"crop\":" + box + "}");
		return Arbitraries.oneOf(boxes,
				HostileJson
					.mutated(Map.of("crop", "{\"x\":0,\"y\":300,\"width\":640,\"height\":60}", "language", "\"eng\"")),
				languages().map((language) -> "{\"language\":" + language + "}"));
	}

	@Provide
	Arbitrary<String> registerBodies() {
		Arbitrary<String> media = Arbitraries.of("\"h/hostile.mp4\"", "\"h/not-a-video.mp4\"", "\"h/empty.mp4\"",
				"\"h/truncated.mp4\"", "\"h/escape.mp4\"", "\"../../etc/passwd\"", "\"/etc/passwd\"", "\"h\"",
				"\"h/\\u0000.mp4\"", "\"h/missing.mp4\"", "\"file:///etc/passwd\"", "\"http://127.0.0.1/x.mp4\"");
		return Combinators.combine(media, Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12))
			.as((file, id) -> Map.of("id", "\"r" + id + "\"", "title", "\"A title\"", "media", file, "language",
					"\"eng\""))
			.flatMap(HostileJson::mutated);
	}

	@Provide
	Arbitrary<String> webhookBodies() {
		Arbitrary<String> seed = HostileJson.mutated(Map.of("videoId", "\"" + VIDEO + "\"", "flowName", "\"nightly\"",
				"status", "\"error\"", "error", "\"it broke\""));
		Arbitrary<String> prefect = HostileJson.mutated(Map.of("flowRunId", "\"run-1\"", "flowName", "\"nightly\"",
				"state", "{\"type\":\"FAILED\",\"name\":\"Failed\",\"message\":\"boom\"}", "parameters",
				"{\"video_id\":\"" + VIDEO + "\"}"));
		return Arbitraries.oneOf(seed, prefect);
	}

	@Provide
	Arbitrary<String> hostileIds() {
		return Arbitraries.oneOf(Arbitraries.of(VIDEO, "", " ", "..", "%", "\u0000", "a\u0000b", "a\nb", "\u202e",
				"\ud83d\ude00", "x".repeat(5000), "' or 1=1 --", "hostile/../hostile"), HostileJson.strings(40));
	}

	@Provide
	Arbitrary<String> hostileNumbers() {
		return Arbitraries.oneOf(
				Arbitraries.of("0", "-1", "1", "2147483647", "2147483648", "9223372036854775807", "9223372036854775808",
						"-9223372036854775808", "1e9", "0x10", "NaN", "", "\u0000"),
				Arbitraries.longs().map(String::valueOf));
	}

	@Provide
	Arbitrary<String> readPaths() {
		return Arbitraries.of("/api/videos/{id}", "/api/videos/{id}/stats", "/api/videos/{id}/media",
				"/api/videos/{id}/captions?page={n}&size={n}", "/api/videos/" + VIDEO + "/captions?page={n}",
				"/api/videos/" + VIDEO + "/captions?size={n}", "/api/videos/" + VIDEO + "/captions/{n}",
				"/api/videos/" + VIDEO + "/captions/{n}/image", "/api/videos/{id}/captions/{n}",
				"/api/flow-notifications?videoId={id}&after={n}&limit={n}", "/api/flow-notifications?limit={n}");
	}

	@Provide
	Arbitrary<List<byte[]>> craftedFlowEvents() {
		CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), VIDEO, 1, 1, 10, 20,
				new CropBox(0, 300, 640, 60), "eng", "h/hostile.mp4", Instant.now());
		Map<String, String> completed = HostileJson.fields(EventJson.write(FlowCompleted.complete(request, "text", 90,
				5, "h/hostile.mp4.captionflow/caption-1.png", FlowCompleted.Timings.NONE, "w", Instant.now())));
		Map<String, String> started = HostileJson.fields(EventJson.write(FlowStarted.of(request, "w", Instant.now())));
		return Arbitraries
			.oneOf(HostileJson.mutated(completed), HostileJson.mutated(started), HostileJson.notAnObject())
			.map((json) -> json.getBytes(StandardCharsets.UTF_8))
			.list()
			.ofMinSize(1)
			.ofMaxSize(12);
	}

	@Provide
	Arbitrary<List<String>> craftedNotifications() {
		Map<String, String> valid = new LinkedHashMap<>(HostileJson
			.fields(EventJson.write(new VideoNotification(VideoNotification.SCHEMA_VERSION, 1, VIDEO, "crafted-flow",
					VideoNotification.Status.ERROR, "crafted reason", 1L, Instant.now(), "crafted", null))));
		valid.put("id", "\"__NEXT__\"");
		return Arbitraries
			.oneOf(HostileJson.mutated(valid), Arbitraries.just(HostileJson.object(valid)), HostileJson.notAnObject())
			.list()
			.ofMinSize(1)
			.ofMaxSize(8);
	}

	@Provide
	Arbitrary<List<byte[]>> craftedRequests() {
		Map<String, String> request = HostileJson.fields(EventJson.write(CaptionOcrRequested.of(UUID.randomUUID(),
				VIDEO, 1, 1, 10, 20, new CropBox(0, 300, 640, 60), "eng", "h/hostile.mp4", Instant.now())));
		return Arbitraries.oneOf(HostileJson.mutated(request), HostileJson.notAnObject())
			.map((json) -> json.getBytes(StandardCharsets.UTF_8))
			.list()
			.ofMinSize(1)
			.ofMaxSize(8);
	}

	private static Arbitrary<String> languages() {
		return Arbitraries.oneOf(
				Arbitraries.of("\"eng\"", "\"chi_sim\"", "\"eng+chi_sim\"", "\"eng+eng\"", "\"deu\"", "\"xyz\"",
						"\"eng+deu+fra+ita+spa\"", "\"\"", "\"ENG\"", "\"eng+\"", "\"eng\\u0000\"", "7", "null"),
				HostileJson.strings(20).map(HostileJson::string));
	}

	// ---- invariants ----

	/**
	 * Sends a request and checks its answer: below 500; a 4xx is a problem body without
	 * Java type names, and nothing changed.
	 */
	private static void exchange(String target, HttpMethod method, String uri, String body) {
		count(target, 1);
		String before = snapshot();
		WebClient.RequestBodySpec request = http.method(method).uri(URI.create(base + uri));
		WebClient.RequestHeadersSpec<?> spec = (body != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body.getBytes(StandardCharsets.UTF_8))
				: request;
		Reply reply = spec
			.exchangeToMono((response) -> response.bodyToMono(byte[].class)
				.defaultIfEmpty(new byte[0])
				.map((bytes) -> new Reply(response.statusCode().value(), response.headers().contentType().orElse(null),
						new String(bytes, StandardCharsets.UTF_8))))
			.block(Duration.ofSeconds(60));
		String what = method + " " + abbreviated(uri) + " " + abbreviated(body);
		assertThat(reply.status()).as("status of %s: %s", what, abbreviated(reply.body())).isLessThan(500);
		if (reply.status() == 414 || reply.status() == 431) {
			// a request line or headers past Netty's 4 KB: refused by the HTTP codec
			// before
			// any handler, with nothing read and nothing stored
			assertThat(snapshot()).as("state after the refused %s", what).isEqualTo(before);
			return;
		}
		if (reply.status() >= 400) {
			assertThat(reply.contentType()).as("content type of %s", what).isNotNull();
			assertThat(reply.contentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
				.as("a problem body for %s, not %s", what, reply.contentType())
				.isTrue();
			JsonNode problem = EventJson.mapper().readTree(reply.body());
			assertThat(problem.path("detail").isString()).as("detail of %s: %s", what, reply.body()).isTrue();
			assertThat(reply.body()).as("the problem of %s", what)
				.doesNotContain("io.captionflow", "java.", "tools.jackson", "Exception", "org.springframework");
			assertThat(snapshot()).as("state after the refused %s", what).isEqualTo(before);
		}
	}

	private static String aKnownGoodSaveQueues() {
		long caption = knownCaption();
		JsonNode saved = http.put()
			.uri("/api/videos/" + VIDEO + "/captions/" + caption + "/extents")
			.bodyValue(Map.of("startFrameIndex", 200, "endFrameIndex", 210, "state", "confirmed"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(30));
		return saved.get("caption").get("captionOcrStatus").asString();
	}

	/**
	 * A caption of the video to save, made when mutations deleted them all.
	 */
	private static long knownCaption() {
		Long id = db.sql("select min(id) from captions where video_id = :video")
			.bind("video", VIDEO)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
		if (id != null) {
			return id;
		}
		return http.post()
			.uri("/api/videos/" + VIDEO + "/captions")
			.bodyValue(Map.of("startFrameIndex", 300, "endFrameIndex", 310, "state", "predicted"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(30))
			.get("caption")
			.get("id")
			.asLong();
	}

	/** A freshly created caption's OCR request, as the worker would have received it. */
	private static CaptionOcrRequested queuedRequest() {
		JsonNode caption = http.post()
			.uri("/api/videos/" + VIDEO + "/captions")
			.bodyValue(Map.of("startFrameIndex", 390, "endFrameIndex", 399, "state", "predicted"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(30))
			.get("caption");
		return CaptionOcrRequested.of(UUID.randomUUID(), VIDEO, caption.get("id").asLong(),
				caption.get("revision").asLong(), 390, 399, new CropBox(0, 300, 640, 60), "eng", "h/hostile.mp4",
				Instant.now());
	}

	private static String status(long captionId) {
		return db.sql("select caption_ocr_status from captions where id = :id")
			.bind("id", captionId)
			.map((row) -> row.get(0, String.class))
			.one()
			.block();
	}

	/** What a refused request must not change. */
	private static String snapshot() {
		String videos = db.sql("select * from videos order by id")
			.fetch()
			.all()
			.map(Object::toString)
			.collect(Collectors.joining("\n"))
			.block();
		String captions = db.sql("""
				select id, start_frame_index, end_frame_index, extents_state, text, notes, revision,
				  caption_ocr_status from captions order by id""")
			.fetch()
			.all()
			.map(Object::toString)
			.collect(Collectors.joining("\n"))
			.block();
		String log = db.sql("select count(*) as n, max(id) as last from flow_notifications")
			.fetch()
			.one()
			.map(Object::toString)
			.block();
		String deliveries = db.sql("select count(*) from webhook_deliveries")
			.map((row) -> row.get(0, Long.class))
			.one()
			.map(String::valueOf)
			.block();
		return videos + "\n--\n" + captions + "\n--\n" + log + "\n--\n" + deliveries;
	}

	private static boolean unreadableFlowEvent(byte[] value) {
		try {
			FlowEvent event = EventJson.read(value, FlowEvent.class);
			return event.videoId() == null || event.videoId().isEmpty() || event.videoId().length() > 64
					|| event.videoId().chars().anyMatch(Character::isISOControl);
		}
		catch (RuntimeException ex) {
			return true;
		}
	}

	private static long endOffsets(String topic) {
		try (Consumer<String, byte[]> consumer = consumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
		}
	}

	private static List<ConsumerRecord<String, byte[]>> deadLetters(String topic) {
		try (Consumer<String, byte[]> consumer = consumer()) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
			Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < end.get(partition))) {
				consumer.poll(Duration.ofMillis(200)).forEach(records::add);
			}
			return records;
		}
	}

	private static Consumer<String, byte[]> consumer() {
		return new DefaultKafkaConsumerFactory<>(
				Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
						ConsumerConfig.GROUP_ID_CONFIG, "hostile-suite-" + UUID.randomUUID()),
				new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
	}

	private static void write(Path file, VideoManifest manifest) throws IOException {
		Files.createDirectories(file.getParent());
		Files.write(file, EventJson.write(manifest));
	}

	private static String abbreviated(String text) {
		if (text == null) {
			return "";
		}
		return (text.length() > 300) ? text.substring(0, 300) + "... (" + text.length() + " characters)" : text;
	}

	private static void count(String target, int cases) {
		HostileInputIntegrationTests.cases.computeIfAbsent(target, (name) -> new AtomicInteger()).addAndGet(cases);
	}

	private record Reply(int status, MediaType contentType, String body) {
	}

}
