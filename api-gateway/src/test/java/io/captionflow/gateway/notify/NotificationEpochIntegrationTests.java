package io.captionflow.gateway.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.GatewayApplication;
import io.captionflow.gateway.SseClient;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The log going back, as a restore or a failover leaves it: the newest notifications
 * deleted from the log in the database, numbers then given again to new ones. A client
 * still connected and one that reconnects with its last id get {@code reset} and then the
 * new notifications in a new epoch, never a silent skip; whether the gateway saw it
 * happen, was restarted on the shortened log, or hears of it from a client whose id the
 * log never numbered.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 3)
class NotificationEpochIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path workDir;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	private final List<SseClient> clients = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.forEach(SseClient::close);
		this.gateways.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aLogThatWentBackUnderARunningGatewayMovesEveryClientToANewEpoch() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database);
		SseClient steady = connect(gateway, Map.of());
		SseClient leaving = connect(gateway, Map.of());
		for (int i = 1; i <= 4; i++) {
			webhook(gateway, "before-" + i);
		}
		List<SseClient.Frame> before = events(steady, 4);
		SseClient.Frame last = events(leaving, 4).get(3);
		leaving.close();
		long epoch = last.epoch();
		long kept = before.get(1).idValue();
		assertThat(last.idValue()).isEqualTo(kept + 2);

		// restored from a backup taken two notifications ago
		sql(database, "delete from flow_notifications where seq > " + kept);

		// the sequencer finds the log behind what its instance passed on
		SseClient.Frame reset = steady.nextEvent(WAIT);
		assertThat(reset.event()).isEqualTo("reset");
		assertThat(reset.epoch()).isNotEqualTo(epoch).isEqualTo(epoch(database));
		assertThat(reset.idValue()).isEqualTo(kept);
		assertThat(JSON.readTree(reset.data()).get("reason").asString()).isEqualTo("epoch-changed");

		webhook(gateway, "after-1");
		webhook(gateway, "after-2");
		// the numbers the lost notifications had, now of new ones, in the new epoch
		List<SseClient.Frame> after = events(steady, 2);
		assertThat(after).extracting(NotificationEpochIntegrationTests::flowName).containsExactly("after-1", "after-2");
		assertThat(after).extracting(SseClient.Frame::id)
			.containsExactly(reset.epoch() + "-" + (kept + 1), reset.epoch() + "-" + (kept + 2));

		// the client that left reconnects with its last id, which the log now gives to
		// another notification: reset, then what follows, never a replay from kept + 2
		SseClient back = connect(gateway, Map.of("Last-Event-ID", last.id()));
		SseClient.Frame backReset = back.nextEvent(WAIT);
		assertThat(backReset.event()).isEqualTo("reset");
		assertThat(backReset.id()).isEqualTo(reset.epoch() + "-" + (kept + 2));
		assertThat(JSON.readTree(backReset.data()).get("reason").asString()).isEqualTo("other-epoch");
		assertThat(JSON.readTree(backReset.data()).get("lastEventId").asString()).isEqualTo(last.id());
		webhook(gateway, "after-3");
		for (SseClient client : List.of(steady, back)) {
			SseClient.Frame next = client.nextEvent(WAIT);
			assertThat(flowName(next)).isEqualTo("after-3");
			assertThat(next.id()).isEqualTo(reset.epoch() + "-" + (kept + 3));
		}
	}

	@Test
	void aGatewayRestartedOnALogThatLostItsTailChangesTheEpochBeforeItNumbers() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database);
		SseClient client = connect(gateway, Map.of());
		for (int i = 1; i <= 4; i++) {
			webhook(gateway, "before-" + i);
		}
		List<SseClient.Frame> seen = events(client, 4);
		SseClient.Frame last = seen.get(3);
		long kept = seen.get(1).idValue();
		// announced on the topic: the relay has sent every notification
		await().atMost(WAIT).until(() -> count(gateway, "select count(*) from outbox") == 0);
		gateway.close();
		this.gateways.remove(gateway);
		client.awaitEnd(WAIT);

		// the database lost its last commits while the gateway was down
		sql(database, "delete from flow_notifications where seq > " + kept);
		ConfigurableApplicationContext restarted = start(database);
		// the sequencer's first round reads the end of the topic and finds ids the log
		// no longer has: the epoch changes before any client comes back
		await().atMost(WAIT).until(() -> epoch(database) != last.epoch());

		SseClient back = connect(restarted, Map.of("Last-Event-ID", last.id()));
		SseClient.Frame reset = back.nextEvent(WAIT);
		assertThat(reset.event()).isEqualTo("reset");
		assertThat(reset.id()).isEqualTo(epoch(database) + "-" + kept);
		webhook(restarted, "after-restart");
		SseClient.Frame next = back.nextEvent(WAIT);
		assertThat(flowName(next)).isEqualTo("after-restart");
		assertThat(next.id()).isEqualTo(epoch(database) + "-" + (kept + 1));
	}

	@Test
	void aGatewayRestartedOnAnIntactLogKeepsItsEpoch() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database);
		SseClient client = connect(gateway, Map.of());
		webhook(gateway, "before");
		SseClient.Frame seen = client.nextEvent(WAIT);
		await().atMost(WAIT).until(() -> count(gateway, "select count(*) from outbox") == 0);
		gateway.close();
		this.gateways.remove(gateway);
		client.awaitEnd(WAIT);

		ConfigurableApplicationContext restarted = start(database);
		SseClient back = connect(restarted, Map.of("Last-Event-ID", seen.id()));
		webhook(restarted, "after-restart");
		// numbered, so the sequencer took over and checked the topic: nothing to reset
		SseClient.Frame next = back.nextEvent(WAIT);
		assertThat(next.event()).isEqualTo("video-stats-updated");
		assertThat(next.id()).isEqualTo(seen.epoch() + "-" + (seen.idValue() + 1));
		assertThat(epoch(database)).isEqualTo(seen.epoch());
	}

	@Test
	void aClientAheadOfTheLogInItsEpochShowsTheLogWentBack() {
		Map<String, String> database = TestDatabase.properties(this.workDir);
		ConfigurableApplicationContext gateway = start(database);
		SseClient steady = connect(gateway, Map.of());
		webhook(gateway, "seen");
		SseClient.Frame seen = steady.nextEvent(WAIT);

		// an id the log never numbered, in its epoch: the log lost it (here, as if the
		// client had been on an instance whose database was failed over)
		SseClient ahead = connect(gateway, Map.of("Last-Event-ID", seen.epoch() + "-" + (seen.idValue() + 5)));
		SseClient.Frame reset = ahead.nextEvent(WAIT);
		assertThat(reset.event()).isEqualTo("reset");
		assertThat(reset.epoch()).isNotEqualTo(seen.epoch()).isEqualTo(epoch(database));
		assertThat(reset.idValue()).isEqualTo(seen.idValue());
		assertThat(JSON.readTree(reset.data()).get("reason").asString()).isEqualTo("unknown-id");
		// and every client of the old epoch follows
		SseClient.Frame steadyReset = steady.nextEvent(WAIT);
		assertThat(steadyReset.event()).isEqualTo("reset");
		assertThat(steadyReset.id()).isEqualTo(reset.id());

		webhook(gateway, "next");
		for (SseClient client : List.of(steady, ahead)) {
			SseClient.Frame next = client.nextEvent(WAIT);
			assertThat(flowName(next)).isEqualTo("next");
			assertThat(next.id()).isEqualTo(reset.epoch() + "-" + (seen.idValue() + 1));
		}
	}

	private ConfigurableApplicationContext start(Map<String, String> database) {
		Path media = this.workDir.resolve("media");
		try {
			Files.createDirectories(media);
			TestVideos.manifest(media, new VideoManifest("e1", "e1", "e1.mp4", 25, 100, 1280, 720,
					new CropBox(0, 600, 1280, 100), "eng", List.of()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Map<String, String> properties = new LinkedHashMap<>(
				Map.of("server.port", "0", "spring.kafka.bootstrap-servers", this.broker.getBrokersAsString(),
						"captionflow.gateway.media-root", media.toString(), "captionflow.gateway.outbox.poll-interval",
						"200ms", "captionflow.gateway.notifications.poll-interval", "200ms"));
		properties.putAll(database);
		List<String> arguments = new ArrayList<>();
		properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		ConfigurableApplicationContext gateway = GatewayApplication.create().run(arguments.toArray(String[]::new));
		this.gateways.add(gateway);
		return gateway;
	}

	private SseClient connect(ConfigurableApplicationContext gateway, Map<String, String> headers) {
		SseClient client = SseClient.connect(base(gateway) + "/api/events/video-stats", headers);
		this.clients.add(client);
		return client;
	}

	private static List<SseClient.Frame> events(SseClient client, int count) {
		List<SseClient.Frame> events = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			SseClient.Frame event = client.nextEvent(WAIT);
			assertThat(event.event()).isEqualTo("video-stats-updated");
			events.add(event);
		}
		return events;
	}

	private static void webhook(ConfigurableApplicationContext gateway, String flowName) {
		WebClient.create(base(gateway))
			.post()
			.uri("/api/webhooks/prefect")
			.bodyValue(Map.of("videoId", "e1", "flowName", flowName, "status", "started"))
			.retrieve()
			.toBodilessEntity()
			.block(WAIT);
	}

	private static String base(ConfigurableApplicationContext gateway) {
		return "http://localhost:" + gateway.getEnvironment().getProperty("local.server.port");
	}

	private static String flowName(SseClient.Frame frame) {
		return JSON.readTree(frame.data()).get("flowName").asString();
	}

	private static long count(ConfigurableApplicationContext gateway, String query) {
		return gateway.getBean(org.springframework.r2dbc.core.DatabaseClient.class)
			.sql(query)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private long epoch(Map<String, String> database) {
		try (Connection connection = jdbc(database);
				Statement statement = connection.createStatement();
				ResultSet row = statement.executeQuery("select epoch from notification_epoch where id = 1")) {
			row.next();
			return row.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Changes the database directly, as a restore or a lost write would. */
	private void sql(Map<String, String> database, String update) {
		try (Connection connection = jdbc(database); Statement statement = connection.createStatement()) {
			statement.executeUpdate(update);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Connection jdbc(Map<String, String> database) throws SQLException {
		String url = database.get("spring.flyway.url");
		if (url != null) {
			return DriverManager.getConnection(url, database.get("spring.flyway.user"),
					database.get("spring.flyway.password"));
		}
		// the gateway's own file, opened beside it (AUTO_SERVER would be needed across
		// processes; this is one)
		return DriverManager.getConnection("jdbc:h2:file:" + database.get("captionflow.gateway.data-dir")
				+ "/gateway;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1", "sa", "");
	}

}
