package io.captionflow.gateway.admission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The abuse limits on a real gateway, over real sockets from several client addresses
 * (127.0.0.1, 127.0.0.2, …: all loopback on Linux): the per-address and total caps on
 * event streams, their slots given back however a stream ends, the write and webhook
 * rates per address, the bounds on replays from the log, and the header read and idle
 * timeouts. Each refusal is a problem with {@code Retry-After}, and counted.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.config.name=api-gateway",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
		"captionflow.gateway.outbox.poll-interval=200ms", "captionflow.gateway.notifications.poll-interval=200ms",
		"captionflow.gateway.notifications.batch-size=100", "captionflow.gateway.sse.replay-buffer=4",
		"captionflow.gateway.sse.client-buffer=100", "captionflow.gateway.admission.streams.max-total=210",
		"captionflow.gateway.admission.writes.per-second=0.1", "captionflow.gateway.admission.writes.burst=10",
		"captionflow.gateway.admission.webhooks.per-second=0.1", "captionflow.gateway.admission.webhooks.burst=10",
		"captionflow.gateway.admission.replays.max-concurrent=1",
		"captionflow.gateway.admission.replays.max-length=600", "captionflow.gateway.admission.timeouts.header-read=1s",
		"captionflow.gateway.admission.timeouts.body-read=1s", "captionflow.gateway.admission.timeouts.idle=2s" })
@EmbeddedKafka(partitions = 6)
class AbuseLimitsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Posts the webhooks that make events, from an address of its own. */
	private static final String NOTIFIER = "127.0.0.9";

	@TempDir
	static Path workDir;

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient db;

	@Autowired
	MeterRegistry meters;

	private final List<RawConnection> connections = new ArrayList<>();

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		TestVideos.manifest(media, new VideoManifest("v1", "v1", "v1.mp4", 25, 100, 1280, 720,
				new CropBox(0, 600, 1280, 100), "eng", List.of()));
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@AfterEach
	void closeConnections() {
		this.connections.forEach(RawConnection::close);
		await().atMost(WAIT).until(() -> streams() == 0);
	}

	@Test
	void aFloodOfStreamsFromOneAddressGetsTheCapWorthWhileAnotherAddressReceivesEvents() {
		awaitEveryNotificationNumbered();
		double refusedBefore = rejected("per-address");
		int accepted = 0;
		List<RawConnection.Response> refused = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			RawConnection stream = keep(RawConnection.stream("127.0.0.1", this.port, ""));
			RawConnection.Response head = stream.head();
			if (head.status() == 200) {
				accepted++;
				stream.readInBackground();
			}
			else {
				refused.add(stream.body(head));
			}
		}
		// the default cap per address
		assertThat(accepted).isEqualTo(200);
		assertThat(refused).hasSize(100).allSatisfy((response) -> {
			assertThat(response.status()).isEqualTo(429);
			assertThat(response.headers()).containsEntry("retry-after", "10")
				.containsEntry("content-type", "application/problem+json");
			JsonNode problem = JSON.readTree(response.body());
			assertThat(problem.get("status").asInt()).isEqualTo(429);
			assertThat(problem.get("detail").asString()).contains("200 event streams");
		});
		assertThat(rejected("per-address") - refusedBefore).isEqualTo(100);
		// the same stream by a percent-encoded path, or by HEAD, is the same stream
		for (String request : List.of("GET /api/events/video%2Dstats", "HEAD /api/events/video-stats")) {
			RawConnection encoded = keep(RawConnection.open("127.0.0.1", this.port));
			encoded.send(request + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
			assertThat(encoded.head().status()).as(request).isEqualTo(429);
		}

		RawConnection other = keep(RawConnection.stream("127.0.0.2", this.port, ""));
		assertThat(other.head().status()).isEqualTo(200);
		other.readInBackground();
		assertThat(webhook(NOTIFIER, "while-flooded").status()).isEqualTo(200);
		await().atMost(WAIT).until(() -> other.received().contains("\"flowName\":\"while-flooded\""));
		assertThat(streams()).isEqualTo(201);
	}

	@Test
	void theTotalCapRefusesEveryAddressWith503() {
		// notifications another test appended would cut these streams, which do not read
		awaitEveryNotificationNumbered();
		double refusedBefore = rejected("total");
		for (int i = 0; i < 210; i++) {
			RawConnection stream = keep(RawConnection.stream((i < 200) ? "127.0.0.3" : "127.0.0.4", this.port, ""));
			assertThat(stream.head().status()).isEqualTo(200);
		}
		RawConnection.Response full = refusedStream("127.0.0.5");
		assertThat(full.status()).isEqualTo(503);
		assertThat(full.headers()).containsEntry("retry-after", "10")
			.containsEntry("content-type", "application/problem+json");
		assertThat(JSON.readTree(full.body()).get("detail").asString()).contains("210 event streams");
		assertThat(rejected("total") - refusedBefore).isEqualTo(1);
		// the address at its own cap is told so, not that the instance is full
		assertThat(refusedStream("127.0.0.3").status()).isEqualTo(429);
		assertThat(streams()).isEqualTo(210);
	}

	@Test
	void aStreamGivesBackItsSlotHoweverItEnds() throws Exception {
		// the client goes away
		RawConnection gone = keep(RawConnection.stream("127.0.0.6", this.port, ""));
		assertThat(gone.head().status()).isEqualTo(200);
		await().atMost(WAIT).until(() -> streams() == 1);
		gone.close();
		await().atMost(WAIT).until(() -> streams() == 0);

		// the request fails before the stream starts
		RawConnection.Response invalid = RawConnection.exchange("127.0.0.6", this.port, "GET",
				StreamAdmission.PATH + "?lastEventId=-5", null);
		assertThat(invalid.status()).isEqualTo(400);
		await().atMost(WAIT).until(() -> streams() == 0);

		// the server cuts off a client that stopped reading
		RawConnection stalled = keep(RawConnection.open("127.0.0.6", this.port, 4096));
		stalled.send("GET " + StreamAdmission.PATH + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
		await().atMost(WAIT).until(() -> streams() == 1);
		String reason = "x".repeat(2000);
		// 7,500 events of 2 KB: more than the sockets' buffers and the client's 100
		for (int burst = 0; burst < 30 && streams() > 0; burst++) {
			appendDirectly(250, reason);
		}
		await().atMost(WAIT).until(() -> streams() == 0);
		assertThat(this.meters.get("captionflow.sse.streams").gauge().value()).isZero();
	}

	@Test
	void aWriteFloodFromOneAddressIsThrottledWhileAnotherAddressWrites() {
		double throttledBefore = throttled("write");
		List<RawConnection.Response> responses = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			responses.add(RawConnection.exchange("127.0.0.7", this.port, "POST", "/api/videos/v1/captions",
					"{\"startFrameIndex\":" + (i * 2) + ",\"endFrameIndex\":" + (i * 2) + ",\"state\":\"predicted\"}"));
		}
		// the burst of ten passes; the rest are refused but for the one the rate of one
		// every ten seconds may add back meanwhile
		assertThat(responses.subList(0, 10)).allSatisfy((response) -> assertThat(response.status()).isEqualTo(201));
		List<RawConnection.Response> throttled = responses.stream()
			.filter((response) -> response.status() == 429)
			.toList();
		assertThat(throttled).hasSizeGreaterThanOrEqualTo(19).allSatisfy((response) -> {
			assertThat(response.headers()).containsEntry("content-type", "application/problem+json")
				.containsKey("retry-after");
			assertThat(Long.parseLong(response.headers().get("retry-after"))).isPositive();
			assertThat(JSON.readTree(response.body()).get("detail").asString())
				.isEqualTo("more than 0.1 writes a second from one address");
		});
		assertThat(throttled("write") - throttledBefore).isEqualTo(throttled.size());
		// a percent-encoded path reaches the same handler, and the same bucket
		assertThat(RawConnection
			.exchange("127.0.0.7", this.port, "POST", "/%61pi/videos/v1/captions",
					"{\"startFrameIndex\":80,\"endFrameIndex\":81,\"state\":\"predicted\"}")
			.status()).isEqualTo(429);

		// another address writes; reads from the flooding one are not limited
		assertThat(RawConnection
			.exchange("127.0.0.8", this.port, "POST", "/api/videos/v1/captions",
					"{\"startFrameIndex\":90,\"endFrameIndex\":91,\"state\":\"predicted\"}")
			.status()).isEqualTo(201);
		for (int i = 0; i < 30; i++) {
			assertThat(RawConnection.exchange("127.0.0.7", this.port, "GET", "/api/videos/v1", null).status())
				.isEqualTo(200);
		}
	}

	@Test
	void aWebhookFloodIsThrottledOnItsOwnRate() {
		double throttledBefore = throttled("webhook");
		int refused = 0;
		for (int i = 0; i < 25; i++) {
			refused += (webhook("127.0.0.10", "flood-" + i).status() == 429) ? 1 : 0;
		}
		assertThat(refused).isGreaterThanOrEqualTo(14);
		assertThat(throttled("webhook") - throttledBefore).isEqualTo(refused);
		// its writes have a bucket of their own
		assertThat(RawConnection
			.exchange("127.0.0.10", this.port, "POST", "/api/videos/v1/captions",
					"{\"startFrameIndex\":95,\"endFrameIndex\":96,\"state\":\"predicted\"}")
			.status()).isEqualTo(201);
	}

	@Test
	void aReplayFromTheLogHoldsNoPermitWhileItsClientDoesNotReadAndOneTooFarBehindIsReset() {
		String reason = "x".repeat(2000);
		for (int i = 0; i < 3; i++) {
			appendDirectly(250, reason);
		}
		// every row numbered, so that nothing new comes while the test reads
		await().atMost(WAIT).until(() -> numbered() == rows());
		long newest = numbered();
		long epoch = epoch();

		// a client that does not read: 500 events of 2 KB do not fit in its socket's
		// buffers, yet its replay, read from the log whole, holds no permit while it
		// waits
		RawConnection stalled = keep(RawConnection.open("127.0.0.11", this.port, 4096));
		stalled.send("GET " + StreamAdmission.PATH + " HTTP/1.1\r\nHost: localhost\r\nLast-Event-ID: " + epoch + "-"
				+ (newest - 500) + "\r\n\r\n");
		assertThat(stalled.head().status()).isEqualTo(200);
		await().atMost(WAIT).until(() -> replaysActive() == 0);
		double refusedBefore = rejected("replays");
		RawConnection next = keep(RawConnection.stream("127.0.0.12", this.port,
				"Last-Event-ID: " + epoch + "-" + (newest - 100) + "\r\n"));
		assertThat(next.head().status()).isEqualTo(200);
		next.readInBackground();
		await().atMost(WAIT)
			.until(() -> next.received().contains("id:" + epoch + "-" + (newest - 99) + "\n")
					&& next.received().contains("id:" + epoch + "-" + newest + "\n"));
		assertThat(rejected("replays")).isEqualTo(refusedBefore);

		// from memory: no replay from the log needed
		RawConnection recent = keep(
				RawConnection.stream("127.0.0.12", this.port, "Last-Event-ID: " + epoch + "-" + (newest - 1) + "\r\n"));
		assertThat(recent.head().status()).isEqualTo(200);
		recent.readInBackground();
		await().atMost(WAIT).until(() -> recent.received().contains("id:" + epoch + "-" + newest + "\n"));

		// more than max-length behind: reset, without a scan of the log
		double resetsBefore = this.meters.get("captionflow.sse.replays.reset").counter().count();
		RawConnection far = keep(RawConnection.stream("127.0.0.12", this.port, "Last-Event-ID: " + epoch + "-0\r\n"));
		assertThat(far.head().status()).isEqualTo(200);
		far.readInBackground();
		await().atMost(WAIT).until(() -> far.received().contains("event:reset\n"));
		assertThat(far.received())
			.contains("id:" + epoch + "-" + newest
					+ "\nevent:reset\ndata:{\"reason\":\"too-far-behind\",\"lastEventId\":\"" + epoch + "-0\",")
			.doesNotContain("event:video-stats-updated");
		assertThat(this.meters.get("captionflow.sse.replays.reset").counter().count() - resetsBefore).isEqualTo(1);

		RawConnection replayed = keep(RawConnection.stream("127.0.0.12", this.port,
				"Last-Event-ID: " + epoch + "-" + (newest - 10) + "\r\n"));
		assertThat(replayed.head().status()).isEqualTo(200);
		replayed.readInBackground();
		await().atMost(WAIT)
			.until(() -> replayed.received().contains("id:" + epoch + "-" + (newest - 9) + "\n")
					&& replayed.received().contains("id:" + epoch + "-" + newest + "\n"));
		await().atMost(WAIT).until(() -> replaysActive() == 0);
	}

	@Test
	void aConnectionThatNeverFinishesItsHeadersIsClosedAtTheHeaderReadTimeout() {
		double timeoutsBefore = headerTimeouts();
		RawConnection half = keep(RawConnection.open("127.0.0.13", this.port));
		half.send("GET /api/videos HTTP/1.1\r\nHost: loc");
		half.readInBackground();
		await().atMost(WAIT).until(half::ended);
		assertThat(half.received()).isEmpty();

		// bytes trickling in do not push it back: the idle timeout would never fire
		RawConnection trickle = keep(RawConnection.open("127.0.0.13", this.port));
		trickle.readInBackground();
		String request = "GET /api/videos HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(200);
		ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
		try {
			int[] next = { 0 };
			sender.scheduleAtFixedRate(() -> {
				if (next[0] < request.length() && !trickle.ended()) {
					try {
						trickle.send(request.substring(next[0], next[0] + 1));
						next[0]++;
					}
					catch (RuntimeException ex) {
						// closed by the server
					}
				}
			}, 0, 100, TimeUnit.MILLISECONDS);
			await().atMost(WAIT).until(trickle::ended);
		}
		finally {
			sender.shutdownNow();
		}
		assertThat(headerTimeouts() - timeoutsBefore).isEqualTo(2);
	}

	@Test
	void aBodyThatNeverArrivesWholeIsAnswered408AndClosedAtTheBodyReadTimeout() {
		long before = this.db.sql("select count(*) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block();
		RawConnection slow = keep(RawConnection.open("127.0.0.14", this.port));
		slow.readInBackground();
		// an unauthenticated webhook whose body, promised at 100 bytes, stops at one
		slow.send("POST /api/webhooks/prefect HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
				+ "Content-Length: 100\r\n\r\n{");
		await().atMost(WAIT).until(slow::ended);
		assertThat(slow.received()).startsWith("HTTP/1.1 408");
		assertThat(this.db.sql("select count(*) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block()).isEqualTo(before);
	}

	@Test
	void aQuietEventStreamOutlivesTheIdleAndHeaderTimeoutsWhileAnIdleKeepAliveConnectionIsClosed() {
		double timeoutsBefore = headerTimeouts();
		RawConnection stream = keep(RawConnection.stream("127.0.0.14", this.port, ""));
		assertThat(stream.head().status()).isEqualTo(200);
		stream.readInBackground();
		// nothing but the connect comment for twice the idle timeout (heartbeats every
		// 15 s)
		await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> !stream.ended());
		assertThat(webhook(NOTIFIER, "after-the-quiet").status()).isEqualTo(200);
		await().atMost(WAIT).until(() -> stream.received().contains("\"flowName\":\"after-the-quiet\""));

		// a keep-alive connection whose response ended is idle, and closed at the idle
		// timeout
		RawConnection keepAlive = keep(RawConnection.open("127.0.0.14", this.port));
		keepAlive.send("GET /api/videos HTTP/1.1\r\nHost: localhost\r\n\r\n");
		RawConnection.Response head = keepAlive.head();
		assertThat(head.status()).isEqualTo(200);
		keepAlive.readInBackground();
		await().atMost(WAIT).until(keepAlive::ended);
		assertThat(headerTimeouts() - timeoutsBefore).isZero();
	}

	private RawConnection keep(RawConnection connection) {
		this.connections.add(connection);
		return connection;
	}

	private RawConnection.Response refusedStream(String source) {
		return refusedStream(source, "");
	}

	private RawConnection.Response refusedStream(String source, String headers) {
		try (RawConnection stream = RawConnection.stream(source, this.port, headers)) {
			RawConnection.Response head = stream.head();
			return (head.status() == 200) ? head : stream.body(head);
		}
	}

	private RawConnection.Response webhook(String source, String flowName) {
		return RawConnection.exchange(source, this.port, "POST", "/api/webhooks/prefect",
				JSON.writeValueAsString(Map.of("videoId", "v1", "flowName", flowName, "status", "started")));
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

	private long epoch() {
		return this.db.sql("select epoch from notification_epoch where id = 1")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private long numbered() {
		return this.db.sql("select coalesce(max(seq), 0) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	/**
	 * Waits until the sequencer numbered every notification, so that none is still to be
	 * passed on to the streams a test opens.
	 */
	private void awaitEveryNotificationNumbered() {
		await().atMost(WAIT)
			.until(() -> this.db.sql("select count(*) from flow_notifications where seq is null")
				.map((row) -> row.get(0, Long.class))
				.one()
				.block(WAIT) == 0);
	}

	private long rows() {
		return this.db.sql("select count(*) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private double streams() {
		return this.meters.get("captionflow.sse.streams").gauge().value();
	}

	private double replaysActive() {
		return this.meters.get("captionflow.sse.replays.active").gauge().value();
	}

	private double rejected(String reason) {
		return this.meters.get("captionflow.sse.rejected").tag("reason", reason).counter().count();
	}

	private double throttled(String kind) {
		return this.meters.get("captionflow.requests.throttled").tag("kind", kind).counter().count();
	}

	private double headerTimeouts() {
		return this.meters.get("captionflow.http.header-timeouts").counter().count();
	}

}
