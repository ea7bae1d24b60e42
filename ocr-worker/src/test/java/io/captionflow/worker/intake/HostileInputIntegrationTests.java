package io.captionflow.worker.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.worker.frames.DecoderProcessPool;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameSource;
import io.captionflow.worker.frames.HostileFiles;
import io.captionflow.testsupport.IndexedVideo;
import io.captionflow.worker.image.GrayImage;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
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
 * Hostile input on a real (embedded KRaft) broker, with real FFmpeg in its child
 * processes and real Tesseract: whatever a request holds (an Error thrown while it runs,
 * a crop box whose right edge overflows, crafted or broken files, malformed fields), it
 * ends in an ERROR completion naming the reason, the listener keeps consuming, and the
 * next request on the same partition completes with its text.
 */
@SpringBootTest(properties = { "spring.config.name=ocr-worker",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
		"captionflow.worker.limits.max-caption-frames=100", "captionflow.worker.limits.max-decoded-frames=300" })
@EmbeddedKafka(partitions = 1, topics = { "caption-ocr-requests", "flow-events" })
@ExtendWith(OutputCaptureExtension.class)
class HostileInputIntegrationTests {

	@TempDir
	static Path mediaRoot;

	@TempDir
	static Path outside;

	static VideoManifest clip;

	static VideoManifest hd;

	@Autowired
	EmbeddedKafkaBroker broker;

	@Autowired
	KafkaListenerEndpointRegistry registry;

	Producer<String, byte[]> producer;

	Consumer<String, byte[]> consumer;

	long nextCaptionId = 1;

	final List<ConsumerRecord<String, byte[]>> deadLetters = new ArrayList<>();

	@DynamicPropertySource
	static void media(DynamicPropertyRegistry registry) throws IOException {
		clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		hd = new DemoVideo(new DemoVideo.Spec("Full HD", 1920, 1080, 25, 30, 25, new CropBox(0, 900, 1920, 140), 60,
				List.of(new DemoVideo.Caption(2, 27, "Hostile input never stops it"))))
			.render(mediaRoot, "hd", "clips/hd.mp4");
		Path clipFile = mediaRoot.resolve(clip.media());
		Files.copy(clipFile, mediaRoot.resolve("clips/oom.mp4"));
		Files.copy(clipFile, mediaRoot.resolve("clips/deep.mp4"));
		Path indexed = IndexedVideo.h264(300, 25).render(mediaRoot.resolve("clips/indexed.mp4"));
		HostileFiles.truncated(clipFile, mediaRoot.resolve("clips/truncated.mp4"));
		HostileFiles.corruptInTheMiddle(indexed, mediaRoot.resolve("clips/corrupt.mp4"));
		HostileFiles.empty(mediaRoot.resolve("clips/empty.mp4"));
		HostileFiles.picture(mediaRoot.resolve("clips/picture.mp4"));
		HostileFiles.text(mediaRoot.resolve("clips/notes.mp4"));
		HostileFiles.tooWide(mediaRoot.resolve("clips/wide.mp4"));
		HostileFiles.longGop(500, mediaRoot.resolve("clips/long-gop.mp4"));
		Files.createSymbolicLink(mediaRoot.resolve("clips/elsewhere.mp4"),
				Files.copy(clipFile, outside.resolve("secret.mp4")));
		registry.add("captionflow.worker.media-root", mediaRoot::toString);
	}

	@BeforeEach
	void connect() {
		this.producer = new DefaultKafkaProducerFactory<>(KafkaTestUtils.producerProps(this.broker),
				new StringSerializer(), new ByteArraySerializer())
			.createProducer();
		Map<String, Object> props = KafkaTestUtils.consumerProps(this.broker, "test-" + UUID.randomUUID(), false);
		props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
		this.consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		this.consumer.subscribe(List.of(Topics.FLOW_EVENTS.name(), Topics.CAPTION_OCR_REQUESTS.deadLetterName()));
	}

	@AfterEach
	void close() {
		this.producer.close();
		this.consumer.close();
	}

	@Test
	void anOutOfMemoryErrorOrAStackOverflowEndsItsCaptionInErrorAndTheNextCaptionCompletes() throws Exception {
		String video = "errors-" + UUID.randomUUID();
		CaptionOcrRequested outOfMemory = send(video, 15, 30, clip.crop(), "clips/oom.mp4");
		CaptionOcrRequested overflow = send(video, 15, 30, clip.crop(), "clips/deep.mp4");
		CaptionOcrRequested next = send(video, 15, 30, clip.crop(), clip.media());

		Map<Long, FlowCompleted> completions = completions(video, 3);
		assertThat(completions.get(outOfMemory.captionId()).status()).isEqualTo(FlowCompleted.Status.ERROR);
		assertThat(completions.get(outOfMemory.captionId()).error())
			.startsWith("the worker could not process this caption: java.lang.OutOfMemoryError");
		assertThat(completions.get(overflow.captionId()).error())
			.isEqualTo("the worker could not process this caption: java.lang.StackOverflowError");
		assertThat(completions.get(next.captionId()).status()).isEqualTo(FlowCompleted.Status.COMPLETE);
		assertThat(completions.get(next.captionId()).text()).isEqualTo(clip.captions().get(0).text());
		assertThat(this.registry.getListenerContainer("ocr-requests").isRunning()).isTrue();
	}

	@Test
	void aCropWhoseRightEdgeOverflowsIsRefusedNamingTheCropAndTheNextCaptionCompletes() throws Exception {
		String video = "overflow-" + UUID.randomUUID();
		CaptionOcrRequested overflowing = send(video, 2, 27, new CropBox(100, 900, Integer.MAX_VALUE - 50, 140),
				hd.media());
		CaptionOcrRequested next = send(video, 2, 27, hd.crop(), hd.media());

		Map<Long, FlowCompleted> completions = completions(video, 2);
		assertThat(completions.get(overflowing.captionId()).error())
			.isEqualTo("crop box 100,900 2147483597x140 does not fit the 1920x1080 video");
		assertThat(completions.get(next.captionId()).status()).isEqualTo(FlowCompleted.Status.COMPLETE);
		assertThat(completions.get(next.captionId()).text()).isEqualTo(hd.captions().get(0).text());
	}

	@Test
	void crashingAndCraftedFilesEndInErrorsWithTheirReasonsAndTheNextCaptionCompletes() throws Exception {
		String video = "files-" + UUID.randomUUID();
		Map<String, String> reasons = new LinkedHashMap<>();
		reasons.put("clips/truncated.mp4", "'truncated.mp4' is not a readable video");
		reasons.put("clips/empty.mp4", "'empty.mp4' is not a readable video");
		reasons.put("clips/notes.mp4", "'notes.mp4' is not a readable video");
		reasons.put("clips/picture.mp4", "'picture.mp4' is not a video in an accepted container (mov, mp4, m4a, "
				+ "3gp, 3g2, mj2, matroska, webm, avi, mpegts, flv)");
		reasons.put("clips/wide.mp4", "video 'wide.mp4' is 7696x240; the largest video accepted is 7680x4320");
		reasons.put("clips/elsewhere.mp4", "media location 'clips/elsewhere.mp4' is outside the media root");
		Map<Long, String> expected = new LinkedHashMap<>();
		reasons.forEach(
				(media, reason) -> expected.put(send(video, 2, 3, IndexedVideo.BITS_BOX, media).captionId(), reason));
		expected.put(send(video, 400, 410, IndexedVideo.BITS_BOX, "clips/long-gop.mp4").captionId(),
				"frames 400..410 need 411 frames decoded from the keyframe at frame 0; max-decoded-frames is 300");
		long corrupt = send(video, 100, 110, IndexedVideo.BITS_BOX, "clips/corrupt.mp4").captionId();
		CaptionOcrRequested next = send(video, 60, 90, clip.crop(), clip.media());

		Map<Long, FlowCompleted> completions = completions(video, expected.size() + 2);
		expected.forEach((captionId, reason) -> assertThat(completions.get(captionId).error()).isEqualTo(reason));
		assertThat(completions.get(corrupt).error())
			.startsWith("video 'corrupt.mp4' is corrupt: frame 100 could not be decoded");
		assertThat(completions.get(next.captionId()).text()).isEqualTo(clip.captions().get(1).text());
	}

	@Test
	void malformedRequestFieldsAreRefusedBeforeTheVideoIsOpenedAndForgeNoLogLines(CapturedOutput output)
			throws Exception {
		String video = "fields-" + UUID.randomUUID() + "\nFORGED worker line";
		Map<Long, String> expected = new LinkedHashMap<>();
		expected.put(send(video, 0, 5000, clip.crop(), clip.media()).captionId(),
				"the range 0..5000 is 5001 frames long; a caption may span at most 100");
		expected.put(send(video, 0, 5, clip.crop(), clip.media(), "eng+eng").captionId(), "names 'eng' twice");
		expected.put(send(video, 0, 5, clip.crop(), clip.media(), "../../etc/passwd").captionId(),
				"must be Tesseract language codes such as eng, chi_sim or eng+deu");
		expected.put(send(video, 0, 5, clip.crop(), "clips/clip.mp4\u0000.png").captionId(),
				"media location must be a relative path of 1 to 1000 characters without control characters");
		expected.put(send(video, 0, 5, clip.crop(), "a/".repeat(600) + "clip.mp4").captionId(),
				"media location must be a relative path of 1 to 1000 characters without control characters");
		CaptionOcrRequested next = send(video, 60, 90, clip.crop(), clip.media());

		Map<Long, FlowCompleted> completions = completions(video, expected.size() + 1);
		expected.forEach((captionId, reason) -> assertThat(completions.get(captionId).error()).isEqualTo(reason));
		assertThat(completions.get(next.captionId()).text()).isEqualTo(clip.captions().get(1).text());
		assertThat(output.getAll()).contains("FORGED worker line").doesNotContainPattern("(?m)^FORGED");
	}

	@Test
	void aRecordNestedTooDeeplyToReadIsDeadLetteredAndTheNextCaptionCompletes() throws Exception {
		String video = "nested-" + UUID.randomUUID();
		byte[] nested = "[".repeat(200_000).getBytes(StandardCharsets.UTF_8);
		this.producer.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), video, nested)).get();
		CaptionOcrRequested next = send(video, 60, 90, clip.crop(), clip.media());

		Map<Long, FlowCompleted> completions = completions(video, 1);
		assertThat(completions.get(next.captionId()).text()).isEqualTo(clip.captions().get(1).text());
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			collect(video, new ArrayList<>());
			return !this.deadLetters.isEmpty();
		});
		assertThat(this.deadLetters).singleElement()
			.satisfies((deadLetter) -> assertThat(deadLetter.value()).isEqualTo(nested));
	}

	private CaptionOcrRequested send(String video, int start, int end, CropBox crop, String media) {
		return send(video, start, end, crop, media, "eng");
	}

	private CaptionOcrRequested send(String video, int start, int end, CropBox crop, String media, String language) {
		CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), video, this.nextCaptionId++, 1, start,
				end, crop, language, media, Instant.now());
		try {
			this.producer
				.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), video, EventJson.write(request)))
				.get();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		return request;
	}

	private Map<Long, FlowCompleted> completions(String video, int count) {
		Map<Long, FlowCompleted> completions = new LinkedHashMap<>();
		List<FlowEvent> events = new ArrayList<>();
		await().atMost(Duration.ofSeconds(120)).until(() -> {
			collect(video, events);
			events.stream()
				.filter(FlowCompleted.class::isInstance)
				.map(FlowCompleted.class::cast)
				.forEach((completion) -> completions.put(completion.captionId(), completion));
			return completions.size() == count;
		});
		return completions;
	}

	private void collect(String video, List<FlowEvent> events) {
		for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(this.consumer, Duration.ofMillis(200))) {
			if (!video.equals(record.key())) {
				continue;
			}
			if (record.topic().equals(Topics.FLOW_EVENTS.name())) {
				events.add(EventJson.read(record.value(), FlowEvent.class));
			}
			else {
				this.deadLetters.add(record);
			}
		}
	}

	/**
	 * The decoding stage of the real pipeline, made to fail with a real Error for two
	 * files: an OutOfMemoryError for {@code oom.mp4} and a StackOverflowError for
	 * {@code deep.mp4}.
	 */
	@TestConfiguration
	static class FailingStage {

		@Bean
		@Primary
		FrameSource failingFrameSource(DecoderProcessPool pool) {
			return new FrameSource() {

				@Override
				public List<GrayImage> decode(Path video, FrameRange range, CropBox crop, int maxFrames,
						Progress progress) {
					String name = video.getFileName().toString();
					if (name.equals("oom.mp4")) {
						// allocations of 16 GB until one fails: a real OutOfMemoryError
						// that,
						// on a heap smaller than that, leaves the rest of the heap to the
						// worker's other threads
						List<long[]> hoard = new ArrayList<>();
						while (hoard.size() < Integer.MAX_VALUE) {
							hoard.add(new long[Integer.MAX_VALUE - 8]);
						}
						return List.of();
					}
					if (name.equals("deep.mp4")) {
						return List.of(recurse(0));
					}
					return pool.decode(video, range, crop, maxFrames, progress);
				}

				@Override
				public void close() {
				}

			};
		}

		private static GrayImage recurse(int depth) {
			return (depth < 0) ? null : recurse(depth + 1);
		}

	}

}
