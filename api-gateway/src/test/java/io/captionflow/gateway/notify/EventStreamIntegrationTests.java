package io.captionflow.gateway.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import io.captionflow.gateway.SseClient;
import io.captionflow.gateway.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The SSE stream as a browser sees it, read from the bytes on the wire: the connect
 * comment and retry, headers, event ids and names, heartbeats, replay after a disconnect
 * (from memory and from the log), the seam between replay and live under concurrent
 * appends, slow clients cut off without holding up others, and the pull endpoint.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"captionflow.gateway.outbox.poll-interval=200ms",
				"captionflow.gateway.notifications.poll-interval=200ms", "captionflow.gateway.sse.heartbeat=300ms",
				"captionflow.gateway.sse.replay-buffer=4", "captionflow.gateway.sse.client-buffer=300" })
@EmbeddedKafka(partitions = 6)
class EventStreamIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path workDir;

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient db;

	private final List<SseClient> clients = new ArrayList<>();

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		for (String id : List.of("v1", "v2")) {
			TestVideos.manifest(media, new VideoManifest(id, id, id + ".mp4", 25, 100, 1280, 720,
					new CropBox(0, 600, 1280, 100), "eng", List.of()));
		}
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@AfterEach
	void disconnect() {
		this.clients.forEach(SseClient::close);
	}

	@Test
	void streamSpeaksTheEventStreamFormat() throws Exception {
		SseClient client = connect("", Map.of());
		assertThat(client.response().statusCode()).isEqualTo(200);
		assertThat(client.response().headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("text/event-stream"));
		assertThat(client.response().headers().firstValue("Cache-Control")).hasValue("no-cache");
		assertThat(client.response().headers().firstValue("X-Accel-Buffering")).hasValue("no");
		SseClient.Frame hello = client.next(WAIT);
		assertThat(hello.comments()).containsExactly("connected");
		assertThat(hello.retry()).isEqualTo("1000");
		assertThat(hello.data()).isNull();

		webhook("v1", "nightly-import", "complete");
		SseClient.Frame event = client.nextEvent(WAIT);
		assertThat(event.event()).isEqualTo("video-stats-updated");
		JsonNode record = JSON.readTree(event.data());
		assertThat(record.get("id").asLong()).isEqualTo(event.idValue()).isPositive();
		assertThat(record.get("videoId").asString()).isEqualTo("v1");
		assertThat(record.get("flowName").asString()).isEqualTo("nightly-import");
		assertThat(record.get("status").asString()).isEqualTo("complete");
		assertThat(record.get("source").asString()).isEqualTo("webhook:unsigned");
		assertThat(record.has("timestamp")).isTrue();
		assertThat(client.raw()).contains("id:" + event.id() + "\nevent:video-stats-updated\ndata:{", ":connected\n",
				"retry:1000\n");

		// idle: a heartbeat comment within the configured 300 ms (well before the wait)
		SseClient.Frame heartbeat = client.next(WAIT);
		assertThat(heartbeat.comments()).containsExactly("heartbeat");
		assertThat(heartbeat.id()).isNull();
		assertThat(heartbeat.data()).isNull();
	}

	@Test
	void reconnectingClientGetsWhatItMissedThenLiveEvents() {
		SseClient first = connect("", Map.of());
		webhook("v1", "first", "started");
		SseClient.Frame seenFrame = first.nextEvent(WAIT);
		long seen = seenFrame.idValue();
		first.close();
		// missed: three of v1 and one of v2
		webhook("v1", "missed-1", "started");
		webhook("v2", "other-video", "started");
		webhook("v1", "missed-2", "complete");
		webhook("v1", "missed-3", "error");

		SseClient again = connect("?videoId=v1", Map.of("Last-Event-ID", seenFrame.id()));
		List<SseClient.Frame> replayed = List.of(again.nextEvent(WAIT), again.nextEvent(WAIT), again.nextEvent(WAIT));
		assertThat(replayed).extracting((frame) -> flowName(frame)).containsExactly("missed-1", "missed-2", "missed-3");
		assertThat(replayed).extracting(SseClient.Frame::idValue).isSorted().allMatch((id) -> id > seen);
		webhook("v2", "not-followed", "started");
		webhook("v1", "live", "complete");
		assertThat(flowName(again.nextEvent(WAIT))).isEqualTo("live");

		// older than the four the hub keeps in memory: read from the log, all videos
		SseClient fromLog = connect("?lastEventId=" + seenFrame.id(), Map.of());
		List<String> names = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			names.add(flowName(fromLog.nextEvent(WAIT)));
		}
		assertThat(names).containsExactly("missed-1", "other-video", "missed-2", "missed-3", "not-followed", "live");
	}

	@Test
	void replayAndLiveMeetWithoutGapOrDuplicateWhileOthersAppend() throws Exception {
		long start = newest();
		long epoch = epoch();
		int appends = 150;
		// a client that reconnects every few events, as if its connection kept dropping
		List<Long> received = Collections.synchronizedList(new ArrayList<>());
		Thread reader = Thread.ofPlatform().start(() -> {
			long last = start;
			while (received.size() < appends) {
				try (SseClient client = SseClient.connect(url(""), Map.of("Last-Event-ID", epoch + "-" + last))) {
					int take = ThreadLocalRandom.current().nextInt(1, 15);
					for (int i = 0; i < take && received.size() < appends; i++) {
						long id = client.nextEvent(WAIT).idValue();
						received.add(id);
						last = id;
					}
				}
				catch (AssertionError ex) {
					if (received.size() < appends && !ex.getMessage().startsWith("the stream ended")) {
						throw ex;
					}
				}
			}
		});
		// and one that stays connected
		SseClient steady = connect("", Map.of("Last-Event-ID", epoch + "-" + start));
		Flux.range(0, appends)
			.flatMap((i) -> WebClient.create("http://localhost:" + this.port)
				.post()
				.uri("/api/webhooks/prefect")
				.bodyValue(Map.of("videoId", (i % 2 == 0) ? "v1" : "v2", "flowName", "seam-" + i, "status", "started"))
				.retrieve()
				.toBodilessEntity(), 4)
			.blockLast(Duration.ofSeconds(60));
		reader.join(WAIT.multipliedBy(4).toMillis());
		assertThat(reader.isAlive()).isFalse();

		List<Long> expected = new ArrayList<>();
		for (long id = start + 1; id <= start + appends; id++) {
			expected.add(id);
		}
		assertThat(received).containsExactlyElementsOf(expected);
		List<Long> steadyIds = new ArrayList<>();
		for (int i = 0; i < appends; i++) {
			steadyIds.add(steady.nextEvent(WAIT).idValue());
		}
		assertThat(steadyIds).containsExactlyElementsOf(expected);
	}

	@Test
	void clientThatStopsReadingIsCutOffWithoutHoldingUpOthers() throws Exception {
		SseClient healthy = connect("", Map.of());
		healthy.next(WAIT);
		try (Socket stalled = new Socket()) {
			stalled.setReceiveBufferSize(4096);
			stalled.connect(new InetSocketAddress("localhost", this.port));
			OutputStream out = stalled.getOutputStream();
			out.write(("GET /api/events/video-stats HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().atMost(WAIT).until(() -> clientCount() == 2);

			// 1,000 events of 2 KB each, 250 at a time: the healthy client takes every
			// one as they come; the stalled one's socket send buffer (bounded by
			// sse.send-buffer, 64 KB; unbounded, Linux grows it to 4 MB on loopback,
			// which would take all 2 MB) and its 300-event buffer fill up
			String reason = "x".repeat(2000);
			long last = 0;
			for (int burst = 0; burst < 4; burst++) {
				appendDirectly(250, reason);
				for (int i = 0; i < 250; i++) {
					long id = healthy.nextEvent(WAIT).idValue();
					assertThat(id).isGreaterThan(last);
					last = id;
				}
			}
			await().atMost(WAIT).until(() -> clientCount() == 1);
			// the server closed the stalled connection: reading it ends
			stalled.setSoTimeout((int) WAIT.toMillis());
			InputStream in = stalled.getInputStream();
			byte[] buffer = new byte[65536];
			boolean closed = false;
			try {
				long deadline = System.nanoTime() + WAIT.toNanos();
				while (System.nanoTime() < deadline) {
					if (in.read(buffer) < 0) {
						closed = true;
						break;
					}
				}
			}
			catch (SocketTimeoutException ex) {
				closed = false;
			}
			catch (IOException ex) {
				// reset by the server
				closed = true;
			}
			assertThat(closed).as("the server closed the stalled client's connection").isTrue();
		}
		webhook("v1", "after-the-stall", "complete");
		assertThat(flowName(healthy.nextEvent(WAIT))).isEqualTo("after-the-stall");
	}

	@Test
	void logCanBePulledInPages() {
		long start = newest();
		webhook("v1", "pull-1", "started");
		webhook("v2", "pull-2", "started");
		webhook("v1", "pull-3", "complete");
		webhook("v1", "pull-4", "error");
		await().atMost(WAIT).until(() -> newest() >= start + 4);
		WebClient http = WebClient.create(url(""));
		JsonNode page = http.get()
			.uri("http://localhost:" + this.port + "/api/flow-notifications?videoId=v1&after=" + start + "&limit=2")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(page.get("content").valueStream().map((record) -> record.get("flowName").asString()))
			.containsExactly("pull-1", "pull-3");
		long next = page.get("next").asLong();
		JsonNode second = http.get()
			.uri("http://localhost:" + this.port + "/api/flow-notifications?videoId=v1&after=" + next + "&limit=2")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(second.get("content").valueStream().map((record) -> record.get("flowName").asString()))
			.containsExactly("pull-4");
		JsonNode record = second.get("content").get(0);
		assertThat(record.get("status").asString()).isEqualTo("error");
		assertThat(record.get("error").asString()).isEqualTo("failed");
		assertThat(second.get("truncated").asBoolean()).isFalse();
		assertThat(second.get("epoch").asLong()).isEqualTo(epoch()).isEqualTo(page.get("epoch").asLong());

		assertThat(http.get()
			.uri("http://localhost:" + this.port + "/api/flow-notifications?limit=5000")
			.exchangeToMono((response) -> response.bodyToMono(JsonNode.class)
				.map((body) -> response.statusCode().value() + " " + body.get("errors").get(0).get("field").asString()))
			.block(WAIT)).isEqualTo("400 limit");
	}

	private SseClient connect(String query, Map<String, String> headers) {
		SseClient client = SseClient.connect(url(query), headers);
		this.clients.add(client);
		return client;
	}

	private String url(String query) {
		return "http://localhost:" + this.port + "/api/events/video-stats" + query;
	}

	private void webhook(String videoId, String flowName, String status) {
		WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", videoId, "flowName", flowName, "status", status))
			.retrieve()
			.toBodilessEntity()
			.block(WAIT);
	}

	private void appendDirectly(int count, String error) {
		StringBuilder sql = new StringBuilder(
				"insert into flow_notifications (video_id, flow_name, status, error, source, created_at) values ");
		for (int i = 0; i < count; i++) {
			sql.append((i > 0) ? ", " : "").append("('v1', 'bulk', 'error', :error, 'test', :at)");
		}
		this.db.sql(sql.toString())
			.bind("error", error)
			.bind("at", OffsetDateTime.now(ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.block(WAIT);
	}

	private long newest() {
		return this.db.sql("select coalesce(max(seq), 0) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private long epoch() {
		return this.db.sql("select epoch from notification_epoch where id = 1")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private int clientCount() {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/api/events/clients")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT)
			.get("clients")
			.asInt();
	}

	private static String flowName(SseClient.Frame frame) {
		return JSON.readTree(frame.data()).get("flowName").asString();
	}

}
