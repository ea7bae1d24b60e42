package io.captionflow.worker.ops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.EventJson;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowEvent;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.testsupport.PrometheusScrape;
import io.captionflow.worker.OcrWorkerApplication;
import io.captionflow.worker.ocr.process.OcrProcessPool;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatusCode;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator sees of a real worker on its management port: readiness with Kafka,
 * the request listener and both child pools; liveness; and the metrics of requests,
 * limits and child processes in {@code /actuator/prometheus}, as requests run through
 * FFmpeg and Tesseract, an OCR child is killed, and the broker goes away.
 */
class WorkerOperationsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(90);

	@TempDir
	Path mediaRoot;

	private EmbeddedKafkaKraftBroker broker;

	private ConfigurableApplicationContext worker;

	private KafkaProducer<String, byte[]> producer;

	private Consumer<String, byte[]> consumer;

	private final Map<UUID, FlowCompleted> completions = new HashMap<>();

	@AfterEach
	void stop() {
		if (this.consumer != null) {
			this.consumer.close();
		}
		if (this.producer != null) {
			this.producer.close();
		}
		if (this.worker != null) {
			this.worker.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	void readinessFollowsKafkaAndTheChildPoolsAndTheMetricsCountWhatTheWorkerDid() throws IOException {
		VideoManifest clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(this.mediaRoot, "clip", "clip.mp4");
		this.broker = new EmbeddedKafkaKraftBroker(1, 2, Topics.CAPTION_OCR_REQUESTS.name(), Topics.FLOW_EVENTS.name(),
				Topics.CAPTION_OCR_REQUESTS.deadLetterName());
		this.broker.afterPropertiesSet();
		String brokers = this.broker.getBrokersAsString();
		this.worker = OcrWorkerApplication.create()
			.run("--spring.kafka.bootstrap-servers=" + brokers, "--server.port=0",
					"--captionflow.worker.media-root=" + this.mediaRoot);
		WebClient http = WebClient
			.create("http://127.0.0.1:" + this.worker.getEnvironment().getProperty("local.server.port"));
		this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers),
				new StringSerializer(), new ByteArraySerializer());
		this.consumer = new DefaultKafkaConsumerFactory<>(
				Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers, ConsumerConfig.GROUP_ID_CONFIG,
						"ops-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
				new StringDeserializer(), new ByteArrayDeserializer())
			.createConsumer();
		this.consumer.subscribe(List.of(Topics.FLOW_EVENTS.name()));

		// ready once the broker, the listener and both pools are
		await().atMost(WAIT).untilAsserted(() -> {
			Health readiness = health(http, "/actuator/health/readiness");
			assertThat(readiness.status()).isEqualTo(200);
			assertThat(readiness.json()).containsEntry("status", "UP");
			assertThat(readiness.components()).containsOnlyKeys("readinessState", "kafka", "requestListener",
					"ocrProcesses", "decoderProcesses");
			assertThat(readiness.components())
				.allSatisfy((name, component) -> assertThat(component).as(name).containsEntry("status", "UP"));
		});
		assertThat(health(http, "/actuator/health/liveness").status()).isEqualTo(200);

		VideoManifest.PredictedCaption caption = clip.captions().get(0);
		CaptionOcrRequested good = request(clip, caption, "eng");
		CaptionOcrRequested refused = request(clip, caption, "xx-not-a-language");
		send(good);
		send(refused);
		awaitCompletions(good, refused);
		assertThat(this.completions.get(good.eventId()).status()).isEqualTo(FlowCompleted.Status.COMPLETE);
		assertThat(this.completions.get(refused.eventId()).status()).isEqualTo(FlowCompleted.Status.ERROR);

		// an OCR child killed between two requests: found dead, counted, replaced
		OcrProcessPool ocr = this.worker.getBean(OcrProcessPool.class);
		List<Long> before = ocr.pids();
		assertThat(before).isNotEmpty();
		for (long pid : before) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		await().atMost(WAIT)
			.until(() -> before.stream()
				.noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
		CaptionOcrRequested afterKill = request(clip, caption, "eng");
		send(afterKill);
		awaitCompletions(afterKill);
		assertThat(this.completions.get(afterKill.eventId()).status()).isEqualTo(FlowCompleted.Status.COMPLETE);

		await().atMost(WAIT).untilAsserted(() -> {
			PrometheusScrape scrape = PrometheusScrape.of(http.get()
				.uri("/actuator/prometheus")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(10)));
			assertThat(scrape.value("captionflow_worker_requests_seconds_count", "outcome", "complete")).isEqualTo(2.0);
			assertThat(scrape.value("captionflow_worker_requests_seconds_count", "outcome", "error")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_worker_limits_refused_total", "field", "language")).isEqualTo(1.0);
			assertThat(scrape.value("captionflow_worker_children_lost_total", "kind", "ocr")).isEqualTo(before.size());
			assertThat(scrape.value("captionflow_worker_children_started_total", "kind", "ocr"))
				.isEqualTo(before.size() + 1.0);
			assertThat(scrape.value("captionflow_worker_children", "kind", "decoder")).isGreaterThanOrEqualTo(1.0);
			// and the client's own, for the consumer lag
			assertThat(scrape.names()).contains("kafka_consumer_fetch_manager_records_lag_max");
		});

		// the broker gone: no longer ready, still alive
		this.consumer.close();
		this.consumer = null;
		this.producer.close(Duration.ZERO);
		this.producer = null;
		this.broker.destroy();
		this.broker = null;
		await().atMost(WAIT).untilAsserted(() -> {
			Health readiness = health(http, "/actuator/health/readiness");
			assertThat(readiness.status()).isEqualTo(503);
			assertThat(readiness.components().get("kafka")).containsEntry("status", "DOWN");
			assertThat(readiness.components().get("ocrProcesses")).containsEntry("status", "UP");
		});
		Health liveness = health(http, "/actuator/health/liveness");
		assertThat(liveness.status()).isEqualTo(200);
	}

	private static CaptionOcrRequested request(VideoManifest clip, VideoManifest.PredictedCaption caption,
			String language) {
		return CaptionOcrRequested.of(UUID.randomUUID(), "clip", 1, 1, caption.startFrameIndex(),
				caption.endFrameIndex(), clip.crop(), language, clip.media(), Instant.now());
	}

	private void send(CaptionOcrRequested request) {
		this.producer.send(
				new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(), request.videoId(), EventJson.write(request)));
		this.producer.flush();
	}

	private void awaitCompletions(CaptionOcrRequested... requests) {
		await().atMost(WAIT).until(() -> {
			for (ConsumerRecord<String, byte[]> record : this.consumer.poll(Duration.ofMillis(200))) {
				if (EventJson.read(record.value(), FlowEvent.class) instanceof FlowCompleted completed) {
					this.completions.put(completed.requestId(), completed);
				}
			}
			return List.of(requests).stream().allMatch((request) -> this.completions.containsKey(request.eventId()));
		});
	}

	private static Health health(WebClient http, String path) {
		return http.get()
			.uri(path)
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> new Health(response.statusCode(), body)))
			.block(Duration.ofSeconds(15));
	}

	private record Health(HttpStatusCode code, String body) {

		int status() {
			return this.code.value();
		}

		@SuppressWarnings("unchecked")
		Map<String, Object> json() {
			return JsonMapper.builder().build().readValue(this.body, Map.class);
		}

		@SuppressWarnings("unchecked")
		Map<String, Map<String, Object>> components() {
			return (Map<String, Map<String, Object>>) json().get("components");
		}

	}

}
