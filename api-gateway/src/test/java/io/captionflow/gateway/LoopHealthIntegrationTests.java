package io.captionflow.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.captionflow.gateway.background.RoundLoop;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ApplicationContext;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The outbox relay and the notification sequencer in {@code /actuator/health}: up with
 * their last round while their work flows; down, with the work waiting for them, when
 * their thread does not run; lagging (out of readiness, still up overall) when the oldest
 * item has waited longer than its bound; their backlog in gauges.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"management.endpoint.health.show-details=always", "captionflow.gateway.outbox.poll-interval=200ms",
				"captionflow.gateway.notifications.poll-interval=200ms" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 1)
class LoopHealthIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** The backlog gauges are read every 10 s. */
	private static final Duration GAUGES = Duration.ofSeconds(35);

	private static final String VIDEO = "v-health";

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient db;

	@Autowired
	ConnectionFactory connections;

	@Autowired
	ApplicationContext context;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@BeforeEach
	void registerVideo() {
		this.db.sql("""
				insert into videos (id, title, media_location, fps, frame_count, width, height, crop_x, crop_y,
				  crop_width, crop_height, created_at, updated_at)
				select :id, 'health', 'v/health.mp4', 25, 100, 640, 360, 0, 300, 640, 60, :at, :at
				where not exists (select 1 from videos where id = :id)""")
			.bind("id", VIDEO)
			.bind("at", OffsetDateTime.now(ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.block(WAIT);
	}

	@AfterEach
	void restartLoops() {
		for (RoundLoop loop : loops()) {
			if (!loop.state().alive()) {
				loop.start();
			}
		}
	}

	@Test
	void runningLoopsAreUpWithTheirLastRoundAndNothingWaiting() {
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> relay = component("outboxRelay");
			Map<String, Object> sequencer = component("notificationSequencer");
			for (Map<String, Object> loop : List.of(relay, sequencer)) {
				assertThat(loop).containsEntry("status", "UP");
				assertThat(details(loop)).containsEntry("thread", "running")
					.containsEntry("waiting", 0)
					.containsEntry("maxWait", "PT5M")
					.containsKey("lastRound")
					.doesNotContainKey("oldestWait");
			}
		});
	}

	@Test
	void stoppedLoopsAreDownWithTheWorkWaitingForThem() {
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(details(component("outboxRelay"))).containsEntry("waiting", 0);
			assertThat(details(component("notificationSequencer"))).containsEntry("waiting", 0);
		});
		RoundLoop relay = loop("outboxRelay");
		RoundLoop sequencer = loop("notificationSequencer");
		relay.stop();
		sequencer.stop();
		for (int i = 0; i < 3; i++) {
			webhook("health-" + i);
		}
		Map<String, Object> sequencerHealth = component("notificationSequencer");
		assertThat(sequencerHealth).containsEntry("status", "DOWN");
		assertThat(details(sequencerHealth)).containsEntry("thread", "stopped")
			.containsEntry("waiting", 3)
			.containsKey("oldestWait");
		Map<String, Object> relayHealth = component("outboxRelay");
		assertThat(relayHealth).containsEntry("status", "DOWN");
		assertThat(details(relayHealth)).containsEntry("thread", "stopped");
		this.http.get().uri("/actuator/health").exchange().expectStatus().isEqualTo(503);
		this.http.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503);

		// numbered, the notifications wait in the outbox for the relay
		sequencer.start();
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> health = component("notificationSequencer");
			assertThat(health).containsEntry("status", "UP");
			assertThat(details(health)).containsEntry("thread", "running").containsEntry("waiting", 0);
		});
		relayHealth = component("outboxRelay");
		assertThat(relayHealth).containsEntry("status", "DOWN");
		assertThat(details(relayHealth)).containsEntry("waiting", 3).containsKey("oldestWait");

		relay.start();
		await().atMost(WAIT).untilAsserted(() -> {
			Map<String, Object> health = component("outboxRelay");
			assertThat(health).containsEntry("status", "UP");
			assertThat(details(health)).containsEntry("thread", "running")
				.containsEntry("waiting", 0)
				.containsKey("lastRound");
		});
	}

	@Test
	void workWaitingLongerThanItsBoundIsReportedWhileTheLoopsRun() {
		// another instance holds both loops' locks and does not get on with the work
		Connection holder = Mono.from(this.connections.create()).block(WAIT);
		try {
			Mono.from(holder.beginTransaction()).block(WAIT);
			for (String lock : new String[] { "outbox_relay_lock", "notification_sequencer_lock" }) {
				Flux.from(holder.createStatement("select id from " + lock + " where id = 1 for update").execute())
					.flatMap((result) -> result.map((row, metadata) -> 1))
					.blockLast(WAIT);
			}
			OffsetDateTime longAgo = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(10);
			this.db.sql("""
					insert into flow_notifications (video_id, flow_name, status, source, created_at)
					values (:video, 'health-overdue', 'started', 'test', :at)""")
				.bind("video", VIDEO)
				.bind("at", longAgo)
				.fetch()
				.rowsUpdated()
				.block(WAIT);
			this.db.sql("""
					insert into outbox (topic, event_key, payload, created_at)
					values ('caption-ocr-requests', :video, '{}', :at)""")
				.bind("video", VIDEO)
				.bind("at", longAgo)
				.fetch()
				.rowsUpdated()
				.block(WAIT);
			for (String name : new String[] { "outboxRelay", "notificationSequencer" }) {
				Map<String, Object> health = component(name);
				assertThat(health).as(name).containsEntry("status", "LAGGING");
				assertThat(details(health)).as(name)
					.containsEntry("thread", "running")
					.containsEntry("waiting", 1)
					.containsEntry("overdue", true);
				assertThat(Duration.parse((String) details(health).get("oldestWait"))).as(name)
					.isGreaterThan(Duration.ofMinutes(5));
			}
			// out of readiness, and still UP overall and alive: what reads only the
			// overall health (a broker away for a while) does not take the gateway out
			this.http.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP");
			this.http.get()
				.uri("/actuator/health/readiness")
				.exchange()
				.expectStatus()
				.isEqualTo(503)
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("LAGGING");
			this.http.get()
				.uri("/actuator/health/liveness")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.status")
				.isEqualTo("UP");
			// and in the gauges, read every 10 s
			await().atMost(GAUGES).untilAsserted(() -> {
				for (String metric : new String[] { "captionflow.outbox", "captionflow.sequencer" }) {
					assertThat(metric(metric + ".waiting")).as(metric).isEqualTo(1.0);
					assertThat(metric(metric + ".oldest.age")).as(metric).isGreaterThan(300.0);
				}
			});
		}
		finally {
			Mono.from(holder.rollbackTransaction()).block(WAIT);
			Mono.from(holder.close()).block(WAIT);
		}
		await().atMost(WAIT).untilAsserted(() -> {
			for (String name : new String[] { "outboxRelay", "notificationSequencer" }) {
				assertThat(details(component(name))).as(name).containsEntry("overdue", false);
			}
		});
	}

	private RoundLoop loop(String name) {
		return this.context.getBean(name, RoundLoop.class);
	}

	private List<RoundLoop> loops() {
		return List.of(loop("outboxRelay"), loop("notificationSequencer"));
	}

	private void webhook(String flow) {
		this.http.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", VIDEO, "flowName", flow, "status", "started"))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> component(String name) {
		Map<String, Object> health = this.http.get()
			.uri("/actuator/health")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(health).isNotNull();
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		assertThat(components).as("health components").containsKey(name);
		return (Map<String, Object>) components.get(name);
	}

	/** A gauge's value, from {@code /actuator/metrics}. */
	@SuppressWarnings("unchecked")
	private double metric(String name) {
		Map<String, Object> metric = this.http.get()
			.uri("/actuator/metrics/{name}", name)
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(metric).isNotNull();
		List<Map<String, Object>> measurements = (List<Map<String, Object>>) metric.get("measurements");
		return ((Number) measurements.get(0).get("value")).doubleValue();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Map<String, Object> component) {
		return (Map<String, Object>) component.get("details");
	}

}
