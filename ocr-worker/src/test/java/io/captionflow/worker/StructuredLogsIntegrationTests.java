package io.captionflow.worker;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventSerializer;
import io.captionflow.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Structured logs as an operator switches them on: a real worker process with
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs} and the application's own logging setup
 * (the test classpath without the tests' {@code logback-test.xml}) writes every line as
 * one JSON object, and the lines logged while it runs a request carry the request's
 * video, caption and request ids and the trace it came in.
 */
@EmbeddedKafka(partitions = 1, topics = { "caption-ocr-requests", "flow-events" })
class StructuredLogsIntegrationTests {

	private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final Duration START = Duration.ofMinutes(2);

	@TempDir
	Path workDir;

	private Process worker;

	@AfterEach
	void stop() throws InterruptedException {
		if (this.worker != null) {
			this.worker.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void everyLineIsOneJsonObjectAndARequestsLinesCarryItsIdsAndTrace() throws IOException {
		EmbeddedKafkaBroker broker = EmbeddedKafkaCondition.getBroker();
		Path log = this.workDir.resolve("worker.log");
		Files.createDirectories(this.workDir.resolve("media"));
		// the application's classpath: the tests' logging setup left out
		String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
				OcrWorkerApplication.class.getName(), "--server.port=0",
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
				"--captionflow.worker.media-root=" + this.workDir.resolve("media"))
			.directory(this.workDir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().put("LOGGING_STRUCTURED_FORMAT_CONSOLE", "ecs");
		this.worker = builder.start();

		// a request for a video that is not there: it ends in error, logged so, in the
		// trace of the gateway that sent it
		CaptionOcrRequested request = CaptionOcrRequested.of(UUID.randomUUID(), "no-such-video", 4242, 7, 1, 2,
				new CropBox(0, 0, 10, 10), "eng", "v/none.mp4", Instant.now());
		try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()), new StringSerializer(),
				new EventSerializer())) {
			ProducerRecord<String, Object> record = new ProducerRecord<>(Topics.CAPTION_OCR_REQUESTS.name(),
					"no-such-video", request);
			record.headers()
				.add("traceparent", ("00-" + TRACE_ID + "-b7ad6b7169203331-01").getBytes(StandardCharsets.US_ASCII));
			producer.send(record).get();
		}
		catch (Exception ex) {
			throw new IllegalStateException("cannot publish the request", ex);
		}
		JsonMapper json = JsonMapper.builder().build();
		await().atMost(START).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			assertThat(this.worker.isAlive()).as("the worker runs; its log:%n%s", Files.readString(log)).isTrue();
			List<Map<String, Object>> lines = new ArrayList<>();
			for (String line : Files.readAllLines(log)) {
				if (line.isBlank()) {
					continue;
				}
				assertThat(line).as("a log line").startsWith("{").endsWith("}");
				@SuppressWarnings("unchecked")
				Map<String, Object> entry = json.readValue(line, Map.class);
				assertThat(entry).containsKeys("@timestamp", "log", "message");
				lines.add(entry);
			}
			assertThat(lines).filteredOn((entry) -> String.valueOf(entry.get("message")).contains("Caption 4242"))
				.isNotEmpty()
				.allSatisfy((entry) -> assertThat(entry).containsEntry("videoId", "no-such-video")
					.containsEntry("captionId", "4242")
					.containsEntry("requestId", request.eventId().toString())
					.containsEntry("traceId", TRACE_ID));
		});
	}

}
