package io.captionflow.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.worker.OcrWorkerApplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Measures an OCR worker end to end on a real (embedded KRaft) broker, with a rendered
 * 1080p H.264 video (keyframe every 2 s) and real Tesseract: per caption, the time from
 * the worker consuming the request to its completion being published (and from the
 * request being sent to the completion being received), for 14- and 150-frame captions at
 * random positions, one at a time; then captions per second for a backlog, with one and
 * two listener threads. Every completion's text is checked against the text rendered into
 * the video.
 * <p>
 * Run with {@code make bench-worker}.
 */
public final class WorkerLatencyBenchmark {

	private static final String VIDEO_ID = "bench";

	private final Path mediaRoot;

	private final VideoManifest video;

	private final KafkaProducer<String, byte[]> producer;

	private final KafkaConsumer<String, byte[]> consumer;

	private final Random random = new Random(42);

	private long nextCaptionId = 1;

	private WorkerLatencyBenchmark(Path mediaRoot, VideoManifest video, String brokers) {
		this.mediaRoot = mediaRoot;
		this.video = video;
		this.producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ProducerConfig.LINGER_MS_CONFIG, 0),
				new StringSerializer(), new ByteArraySerializer());
		this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
				ConsumerConfig.GROUP_ID_CONFIG, "bench", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
				ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
				new ByteArrayDeserializer());
	}

	public static void main(String[] args) throws Exception {
		Path mediaRoot = Path.of((args.length > 0) ? args[0] : "benchmarks/target/worker").toAbsolutePath();
		VideoManifest video = renderOnce(mediaRoot);
		EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 6, Topics.CAPTION_OCR_REQUESTS.name(),
				Topics.FLOW_EVENTS.name());
		broker.afterPropertiesSet();
		try {
			WorkerLatencyBenchmark benchmark = new WorkerLatencyBenchmark(mediaRoot, video,
					broker.getBrokersAsString());
			benchmark.run(broker.getBrokersAsString());
		}
		finally {
			broker.destroy();
		}
		System.exit(0);
	}

	private void run(String brokers) throws Exception {
		System.out.printf("Machine: %d cores, %s %s, Java %s%n", Runtime.getRuntime().availableProcessors(),
				System.getProperty("os.name"), System.getProperty("os.arch"), Runtime.version());
		System.out.printf("Video: %dx%d H.264, %.0f fps, keyframe every %d frames, crop %dx%d%n", this.video.width(),
				this.video.height(), this.video.fps(), 50, this.video.crop().width(), this.video.crop().height());
		this.consumer.subscribe(List.of(Topics.FLOW_EVENTS.name()));
		withWorker(brokers, 1, 1, () -> {
			waitForAssignment();
			sequential(20, 14, false);
			report("14-frame captions, one at a time, on one core (decoder-threads=1)", sequential(200, 14, true));
		});
		withWorker(brokers, 1, 0, () -> {
			sequential(10, 14, false);
			report("14-frame captions, one at a time (FFmpeg's decoder threads)", sequential(200, 14, true));
			report("150-frame captions, one at a time (64 of 150 frames sampled)", sequential(40, 150, true));
			backlog("backlog of 100 14-frame captions, 1 listener thread", 100, 14);
		});
		withWorker(brokers, 2, 0, () -> {
			sequential(10, 14, false);
			backlog("backlog of 100 14-frame captions, 2 listener threads", 100, 14);
		});
	}

	/**
	 * Runs measurements against a worker started for them, stopped after them.
	 */
	private void withWorker(String brokers, int threads, int decoderThreads, Measurements measurements)
			throws Exception {
		ConfigurableApplicationContext worker = startWorker(brokers, threads, decoderThreads);
		try {
			measurements.run();
		}
		finally {
			worker.close();
		}
	}

	@FunctionalInterface
	private interface Measurements {

		void run() throws Exception;

	}

	private ConfigurableApplicationContext startWorker(String brokers, int threads, int decoderThreads) {
		return OcrWorkerApplication.create()
			.run("--spring.kafka.bootstrap-servers=" + brokers, "--server.port=0",
					"--captionflow.worker.media-root=" + this.mediaRoot,
					"--spring.kafka.listener.concurrency=" + threads,
					"--captionflow.worker.decoder-threads=" + decoderThreads, "--spring.main.banner-mode=off",
					"--logging.level.root=warn", "--logging.level.io.captionflow=warn");
	}

	private void waitForAssignment() {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (this.consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
			this.consumer.poll(Duration.ofMillis(100));
		}
	}

	private List<Sample> sequential(int count, int frames, boolean measured) throws Exception {
		List<Sample> samples = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			CaptionOcrRequested request = request(frames, VIDEO_ID);
			long sent = System.nanoTime();
			send(request);
			samples.add(awaitCompletions(Map.of(request.captionId(), new Pending(request, sent))).get(0));
		}
		if (measured) {
			long wrong = samples.stream().filter((sample) -> !sample.correct()).count();
			System.out.printf("  texts read right: %d of %d%n", count - wrong, count);
		}
		return samples;
	}

	private void backlog(String title, int count, int frames) throws Exception {
		Map<Long, Pending> pending = new HashMap<>();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			// twelve videos, so the requests spread over the six partitions
			CaptionOcrRequested request = request(frames, VIDEO_ID + "-" + (i % 12));
			pending.put(request.captionId(), new Pending(request, System.nanoTime()));
			send(request);
		}
		List<Sample> samples = awaitCompletions(pending);
		double seconds = (System.nanoTime() - start) / 1e9;
		long right = samples.stream().filter(Sample::correct).count();
		System.out.printf("%s: %d captions in %.1f s = %.1f captions/s (texts read right: %d of %d)%n", title, count,
				seconds, count / seconds, right, count);
	}

	private CaptionOcrRequested request(int frames, String videoId) {
		VideoManifest.PredictedCaption caption = this.video.captions()
			.get(this.random.nextInt(this.video.captions().size()));
		int length = caption.endFrameIndex() - caption.startFrameIndex() + 1;
		int start = caption.startFrameIndex() + this.random.nextInt(length - frames + 1);
		return CaptionOcrRequested.of(UUID.randomUUID(), videoId, this.nextCaptionId++, 1, start, start + frames - 1,
				this.video.crop(), "eng", this.video.media(), Instant.now());
	}

	private void send(CaptionOcrRequested request) throws Exception {
		this.producer
			.send(new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), request.videoId(), EventJson.write(request)))
			.get();
	}

	private List<Sample> awaitCompletions(Map<Long, Pending> pending) {
		Map<Long, Pending> waiting = new HashMap<>(pending);
		Map<Long, Instant> started = new HashMap<>();
		List<Sample> samples = new ArrayList<>();
		long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
		while (!waiting.isEmpty()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(waiting.size() + " captions were not completed in 10 minutes");
			}
			for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(50))) {
				long received = System.nanoTime();
				FlowEvent event = EventJson.read(record.value(), FlowEvent.class);
				if (event instanceof FlowStarted start) {
					started.put(start.captionId(), start.occurredAt());
				}
				else if (event instanceof FlowCompleted completed && waiting.containsKey(completed.captionId())) {
					Pending request = waiting.remove(completed.captionId());
					// a caption's start comes before its completion, on the same
					// partition
					Instant consumed = Objects.requireNonNull(started.get(completed.captionId()));
					long consumeToPublished = record.timestamp() - consumed.toEpochMilli();
					samples.add(new Sample(consumeToPublished, (received - request.sent()) / 1_000_000,
							completed.timings(), Objects.equals(expected(request.request()), completed.text())));
				}
			}
		}
		return samples;
	}

	private @Nullable String expected(CaptionOcrRequested request) {
		return this.video.captions()
			.stream()
			.filter((caption) -> caption.startFrameIndex() <= request.startFrameIndex()
					&& caption.endFrameIndex() >= request.endFrameIndex())
			.findFirst()
			.orElseThrow()
			.text();
	}

	private static void report(String title, List<Sample> samples) {
		System.out.printf("%s (%d):%n", title, samples.size());
		line("consume -> completion published", samples.stream().mapToLong(Sample::consumeToPublishedMs).toArray());
		line("request sent -> completion received", samples.stream().mapToLong(Sample::endToEndMs).toArray());
		line("  of which decode", samples.stream().mapToLong((sample) -> sample.timings().decodeMs()).toArray());
		line("  of which median", samples.stream().mapToLong((sample) -> sample.timings().medianMs()).toArray());
		line("  of which OCR", samples.stream().mapToLong((sample) -> sample.timings().ocrMs()).toArray());
	}

	private static void line(String what, long[] millis) {
		Arrays.sort(millis);
		System.out.printf("  %-38s p50 %4d ms  p95 %4d ms  max %4d ms%n", what, percentile(millis, 50),
				percentile(millis, 95), millis[millis.length - 1]);
	}

	private static long percentile(long[] sorted, int percent) {
		int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
		return sorted[Math.max(0, rank - 1)];
	}

	private static VideoManifest renderOnce(Path mediaRoot) throws IOException {
		Path manifest = mediaRoot.resolve("bench/bench" + VideoManifest.SUFFIX);
		if (Files.exists(manifest)) {
			return EventJson.mapper().readValue(manifest.toFile(), VideoManifest.class);
		}
		List<DemoVideo.Caption> captions = new ArrayList<>();
		String[] texts = { "The median frame keeps the text", "Moving backgrounds fade away",
				"Workers scale with partitions", "Every status arrives by itself", "Results are applied once" };
		for (int i = 0; i < texts.length; i++) {
			captions.add(new DemoVideo.Caption(10 + i * 180, 10 + i * 180 + 169, texts[i]));
		}
		DemoVideo.Spec spec = new DemoVideo.Spec("Worker benchmark", 1920, 1080, 25, 910, 50,
				new CropBox(0, 920, 1920, 140), 60, captions);
		long start = System.nanoTime();
		VideoManifest video = new DemoVideo(spec).render(mediaRoot, "bench", "bench/bench.mp4");
		System.out.printf("Rendered the 1080p benchmark video in %d ms%n", (System.nanoTime() - start) / 1_000_000);
		return video;
	}

	private record Pending(CaptionOcrRequested request, long sent) {
	}

	private record Sample(long consumeToPublishedMs, long endToEndMs, FlowCompleted.Timings timings, boolean correct) {
	}

}
