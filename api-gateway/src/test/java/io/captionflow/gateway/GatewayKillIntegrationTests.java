package io.captionflow.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.condition.EmbeddedKafkaCondition;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Real gateway processes, started from the test classpath, killed with {@code SIGKILL}
 * ({@link Process#destroyForcibly()}) right after they answered: every save answered
 * {@code 200} is in the database when it is opened again (the default H2 writes each
 * commit to its file before the commit returns; PostgreSQL when the tests run on it). A
 * second gateway on the same H2 database is refused and says why.
 */
@EmbeddedKafka(partitions = 1)
class GatewayKillIntegrationTests {

	private static final Duration START = Duration.ofMinutes(2);

	private static final int CAPTIONS = 10;

	private static final int SAVES = 300;

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	@TempDir
	Path workDir;

	private final List<Process> gateways = new ArrayList<>();

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterEach
	void killGateways() throws InterruptedException {
		for (Process gateway : this.gateways) {
			gateway.destroyForcibly().waitFor();
		}
	}

	@Test
	void everySaveAnsweredBeforeAKillIsInTheDatabaseAfterIt() throws Exception {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		Gateway gateway = start("first", database);
		List<Long> captionIds = captionIds(gateway);
		assertThat(captionIds).hasSize(CAPTIONS);

		// as fast as the gateway answers, then SIGKILL at once
		Map<Long, Saved> answered = new LinkedHashMap<>();
		for (int i = 0; i < SAVES; i++) {
			long captionId = captionIds.get(i % CAPTIONS);
			int start = (i % CAPTIONS) * 10;
			// each save of a caption changes it: its end alternates
			int end = start + 8 - ((i / CAPTIONS) % 2);
			JsonNode caption = saveExtents(gateway, captionId, start, end);
			answered.put(captionId, new Saved(caption.get("revision").asLong(), start, end));
		}
		gateway.process().destroyForcibly().waitFor();

		try (Connection db = open(database)) {
			for (Map.Entry<Long, Saved> save : answered.entrySet()) {
				try (PreparedStatement query = db.prepareStatement(
						"select revision, start_frame_index, end_frame_index, caption_ocr_status from captions where id = ?")) {
					query.setLong(1, save.getKey());
					try (ResultSet row = query.executeQuery()) {
						assertThat(row.next()).isTrue();
						assertThat(new Saved(row.getLong(1), row.getInt(2), row.getInt(3)))
							.as("caption %d after the kill", save.getKey())
							.isEqualTo(save.getValue());
						assertThat(row.getString(4)).isEqualTo("queued");
					}
				}
			}
			// each answered save appended its notification in its transaction
			assertThat(count(db, "select count(*) from flow_notifications where status = 'queued'")).isEqualTo(SAVES);
			// and the OCR request of each caption's last save is published or waits to be
			Map<Long, Long> requested = new LinkedHashMap<>();
			try (PreparedStatement query = db.prepareStatement("select payload from outbox where topic = ?")) {
				query.setString(1, Topics.CAPTION_OCR_REQUESTS.name());
				try (ResultSet row = query.executeQuery()) {
					while (row.next()) {
						record(requested, EventJson.read(row.getString(1).getBytes(StandardCharsets.UTF_8),
								CaptionOcrRequested.class));
					}
				}
			}
			Map<String, Object> props = KafkaTestUtils.consumerProps(EmbeddedKafkaCondition.getBroker(), "kill-test",
					false);
			props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			try (Consumer<String, byte[]> consumer = new DefaultKafkaConsumerFactory<>(props, new StringDeserializer(),
					new ByteArrayDeserializer())
				.createConsumer()) {
				consumer.subscribe(List.of(Topics.CAPTION_OCR_REQUESTS.name()));
				await().atMost(Duration.ofSeconds(30)).until(() -> {
					for (ConsumerRecord<String, byte[]> record : KafkaTestUtils.getRecords(consumer,
							Duration.ofMillis(500))) {
						record(requested, EventJson.read(record.value(), CaptionOcrRequested.class));
					}
					return answered.entrySet()
						.stream()
						.allMatch((save) -> requested.getOrDefault(save.getKey(), 0L) >= save.getValue().revision());
				});
			}
		}
	}

	private static void record(Map<Long, Long> requested, CaptionOcrRequested request) {
		requested.merge(request.captionId(), request.revision(), Math::max);
	}

	@Test
	void aSecondGatewayOnTheSameH2DatabaseRefusesToStartAndSaysWhy() throws Exception {
		assumeThat(TestDatabase.postgres()).as("the H2 database only").isFalse();
		Map<String, String> database = TestDatabase.properties(this.workDir);
		Gateway first = start("first", database);
		Process second = launch("second", database);
		await().atMost(START).until(() -> !second.isAlive());
		String log = Files.readString(this.workDir.resolve("second.log"));
		assertThat(second.exitValue()).isNotZero();
		assertThat(log).contains("H2 is single-instance: use PostgreSQL for several gateways")
			.contains("Database may be already in use");
		// the first one still answers
		assertThat(captionIds(first)).hasSize(CAPTIONS);
	}

	private Gateway start(String name, Map<String, String> database) throws IOException {
		Process process = launch(name, database);
		Path log = this.workDir.resolve(name + ".log");
		await().atMost(START)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> !process.isAlive() || Files.readString(log).contains("Started GatewayApplication"));
		String output = Files.readString(log);
		assertThat(process.isAlive()).as("gateway %s started; its log:%n%s", name, output).isTrue();
		Matcher port = PORT.matcher(output);
		assertThat(port.find()).as("the port in the log:%n%s", output).isTrue();
		return new Gateway(process, URI.create("http://127.0.0.1:" + port.group(1)));
	}

	private Process launch(String name, Map<String, String> database) throws IOException {
		Path media = this.workDir.resolve("media");
		if (!Files.exists(media.resolve("v/v1.video.json"))) {
			Files.createDirectories(media.resolve("v"));
			List<VideoManifest.PredictedCaption> captions = IntStream.range(0, CAPTIONS)
				.mapToObj((i) -> new VideoManifest.PredictedCaption(i * 10, i * 10 + 8, null))
				.toList();
			TestVideos.manifest(media, new VideoManifest("v1", "Killed", "v/v1.mp4", 25, CAPTIONS * 10, 320, 240,
					new CropBox(0, 200, 320, 40), "eng", captions));
		}
		EmbeddedKafkaBroker broker = EmbeddedKafkaCondition.getBroker();
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
						"--enable-native-access=ALL-UNNAMED", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
						System.getProperty("java.class.path"), GatewayApplication.class.getName(), "--server.port=0",
						"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
						"--captionflow.gateway.media-root=" + media));
		database.forEach((key, value) -> command.add("--" + key + "=" + value));
		Process process = new ProcessBuilder(command).directory(this.workDir.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.workDir.resolve(name + ".log").toFile())
			.start();
		this.gateways.add(process);
		return process;
	}

	private List<Long> captionIds(Gateway gateway) {
		List<Long> ids = new ArrayList<>();
		await().atMost(START).until(() -> {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(gateway.base().resolve("/api/videos/v1/captions")).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				return false;
			}
			ids.clear();
			EventJson.mapper().readTree(response.body()).get("content").forEach((c) -> ids.add(c.get("id").asLong()));
			return ids.size() == CAPTIONS;
		});
		return ids;
	}

	private JsonNode saveExtents(Gateway gateway, long captionId, int start, int end)
			throws IOException, InterruptedException {
		String body = "{\"startFrameIndex\":" + start + ",\"endFrameIndex\":" + end + ",\"state\":\"confirmed\"}";
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(gateway.base().resolve("/api/videos/v1/captions/" + captionId + "/extents"))
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as("save of caption %d: %s", captionId, response.body()).isEqualTo(200);
		return EventJson.mapper().readTree(response.body()).get("caption");
	}

	private static Connection open(Map<String, String> database) throws SQLException {
		if (database.containsKey("spring.flyway.url")) {
			return DriverManager.getConnection(database.get("spring.flyway.url"), database.get("spring.flyway.user"),
					database.get("spring.flyway.password"));
		}
		// as the gateway opens it, but only for this read
		return DriverManager.getConnection("jdbc:h2:file:" + database.get("captionflow.gateway.data-dir")
				+ "/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE", "sa", "");
	}

	private static long count(Connection db, String sql) throws SQLException {
		try (PreparedStatement query = db.prepareStatement(sql); ResultSet row = query.executeQuery()) {
			row.next();
			return row.getLong(1);
		}
	}

	private record Gateway(Process process, URI base) {
	}

	private record Saved(long revision, int startFrameIndex, int endFrameIndex) {
	}

}
