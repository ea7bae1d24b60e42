package io.captionflow.worker.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.HostileJson;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.worker.OcrWorkerApplication;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's part of the hostile-input suite: generated and mutated OCR requests (crop
 * boxes and ranges at and past every bound, unknown schema versions, missing and wrongly
 * typed fields, hostile languages and media locations, text that is not a request) on the
 * requests topic of a real broker, read by a real worker with FFmpeg and Tesseract in
 * their child processes. After each batch: every request the worker could read ended in a
 * completion (ERROR with a reason, or COMPLETE when it happened to be valid), every
 * record it could not read is in the dead-letter topic with its reason, and a known-good
 * request sent after them on the same partition completes with the caption's text.
 */
class CraftedRequestsIntegrationTests {

	private static final AtomicInteger cases = new AtomicInteger();

	private static final AtomicInteger batches = new AtomicInteger();

	private static Path mediaRoot;

	private static VideoManifest clip;

	private static EmbeddedKafkaKraftBroker broker;

	private static ConfigurableApplicationContext worker;

	private static KafkaProducer<String, byte[]> producer;

	private static Consumer<String, byte[]> consumer;

	private static final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

	@BeforeContainer
	static void start() throws IOException {
		mediaRoot = Files.createTempDirectory("captionflow-crafted");
		clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		Files.writeString(mediaRoot.resolve("clips/notes.mp4"), "not a video");
		broker = new EmbeddedKafkaKraftBroker(1, 6, Topics.CAPTION_OCR_REQUESTS.name(), Topics.FLOW_EVENTS.name(),
				Topics.CAPTION_OCR_REQUESTS.deadLetterName());
		broker.afterPropertiesSet();
		worker = OcrWorkerApplication.create()
			.run("--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(), "--server.port=0",
					"--captionflow.worker.media-root=" + mediaRoot, "--captionflow.worker.retry-backoff=100ms");
		producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
				new StringSerializer(), new ByteArraySerializer());
		consumer = new DefaultKafkaConsumerFactory<>(
				Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
						ConsumerConfig.GROUP_ID_CONFIG, "crafted-" + UUID.randomUUID(),
						ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
				new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		consumer.subscribe(List.of(Topics.FLOW_EVENTS.name(), Topics.CAPTION_OCR_REQUESTS.deadLetterName()));
	}

	@AfterContainer
	static void stop() {
		System.out.printf("Hostile-input cases run: caption-ocr-requests records %d in %d batches%n", cases.get(),
				batches.get());
		if (consumer != null) {
			consumer.close();
		}
		if (producer != null) {
			producer.close();
		}
		if (worker != null) {
			worker.close();
		}
		if (broker != null) {
			broker.destroy();
		}
	}

	@Property(tries = 20, shrinking = ShrinkingMode.OFF)
	void everyCraftedRequestEndsInACompletionOrADeadLetterAndTheNextCaptionCompletes(
			@ForAll("craftedRequests") List<String> crafted) {
		batches.incrementAndGet();
		cases.addAndGet(crafted.size());
		// one key for the batch: its records and the good request after them share a
		// partition, so the good one completes only if the partition kept flowing
		String key = "crafted-" + UUID.randomUUID();
		Set<UUID> readable = new HashSet<>();
		List<byte[]> unreadable = new ArrayList<>();
		for (String json : crafted) {
			byte[] value = json.getBytes(StandardCharsets.UTF_8);
			try {
				readable.add(EventJson.read(value, CaptionOcrRequested.class).eventId());
			}
			catch (RuntimeException ex) {
				unreadable.add(value);
			}
			producer.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), key, value));
		}
		VideoManifest.PredictedCaption caption = clip.captions().get(0);
		CaptionOcrRequested good = CaptionOcrRequested.of(UUID.randomUUID(), key, 1, 1, caption.startFrameIndex(),
				caption.endFrameIndex(), clip.crop(), "eng", clip.media(), Instant.now());
		producer.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), key, EventJson.write(good)));
		Map<UUID, FlowCompleted> completions = new HashMap<>();
		await().atMost(Duration.ofSeconds(180)).until(() -> {
			for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
				seen.add(record);
				if (record.topic().equals(Topics.FLOW_EVENTS.name())
						&& EventJson.read(record.value(), FlowEvent.class) instanceof FlowCompleted completed) {
					completions.put(completed.requestId(), completed);
				}
			}
			return completions.containsKey(good.eventId());
		});
		assertThat(completions.get(good.eventId()).status()).isEqualTo(FlowCompleted.Status.COMPLETE);
		assertThat(completions.get(good.eventId()).text()).isEqualTo(caption.text());
		for (UUID request : readable) {
			assertThat(completions).as("a completion of request %s", request).containsKey(request);
			FlowCompleted completed = completions.get(request);
			if (completed.status() == FlowCompleted.Status.ERROR) {
				assertThat(completed.error()).as("the reason request %s failed", request).isNotBlank();
			}
		}
		List<byte[]> deadLetters = seen.stream()
			.filter((record) -> record.topic().equals(Topics.CAPTION_OCR_REQUESTS.deadLetterName()))
			.filter((record) -> key.equals(record.key()))
			.peek((record) -> assertThat(record.headers().lastHeader(KafkaHeaders.DLT_EXCEPTION_MESSAGE))
				.as("the dead letter's reason")
				.isNotNull())
			.map(ConsumerRecord::value)
			.toList();
		assertThat(deadLetters).as("every unreadable record dead-lettered")
			.usingElementComparator(Arrays::compare)
			.containsExactlyInAnyOrderElementsOf(unreadable);
	}

	@Provide
	Arbitrary<List<String>> craftedRequests() {
		Arbitrary<String> edge = Arbitraries.of("0", "1", "-1", "99", "100", "599", "600", "601", "1279", "1280",
				"1281", "2147483647", "2147483597", "-2147483648", "2147483648", "1e10", "null", "\"7\"");
		Arbitrary<String> crop = Combinators.combine(edge, edge, edge, edge)
			.as((x, y, w, h) -> "{\"x\":" + x + ",\"y\":" + y + ",\"width\":" + w + ",\"height\":" + h + "}");
		Arbitrary<String> frame = Arbitraries.of("0", "5", "44", "99", "100", "2999", "3000", "4000", "-1",
				"2147483647", "-2147483648", "2147483648", "1.5", "null");
		Arbitrary<String> media = Arbitraries.of("\"clips/clip.mp4\"", "\"clips/notes.mp4\"", "\"clips/none.mp4\"",
				"\"../clip.mp4\"", "\"/etc/passwd\"", "\"clips\"", "\"\"", "\"clips/clip.mp4\\u0000\"");
		Arbitrary<String> language = Arbitraries.of("\"eng\"", "\"deu\"", "\"eng+eng\"", "\"../eng\"", "\"\"",
				"\"eng+deu+fra+ita+spa\"", "\"chi_sim\"");
		Arbitrary<String> bounds = Combinators.combine(crop, frame, frame, media, language)
			.as((box, start, end, file, lang) -> {
				Map<String, String> request = valid();
				request.put("crop", box);
				request.put("startFrameIndex", start);
				request.put("endFrameIndex", end);
				request.put("media", file);
				request.put("language", lang);
				return HostileJson.object(request);
			});
		Arbitrary<String> versions = Arbitraries.of("0", "2", "99", "-1", "\"1\"").map((version) -> {
			Map<String, String> request = valid();
			request.put("schemaVersion", version);
			return HostileJson.object(request);
		});
		// the caption range of the mutations stays short, so a valid one costs one OCR
		// run
		return Arbitraries
			.frequencyOf(Tuple.of(4, bounds), Tuple.of(4, HostileJson.mutated(valid())), Tuple.of(1, versions))
			.map((json) -> json.replace("__EVENT__", UUID.randomUUID().toString()))
			.list()
			.ofMinSize(1)
			.ofMaxSize(6);
	}

	/** A valid request's fields, with a fresh event id in place of {@code __EVENT__}. */
	private static Map<String, String> valid() {
		Map<String, String> fields = new LinkedHashMap<>(
				HostileJson.fields(EventJson.write(CaptionOcrRequested.of(UUID.randomUUID(), "crafted", 7, 1, 5, 20,
						new CropBox(0, 600, 1280, 100), "eng", "clips/clip.mp4", Instant.now()))));
		fields.put("eventId", "\"__EVENT__\"");
		return fields;
	}

}
