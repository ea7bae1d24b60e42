package io.captionflow.gateway.webhook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import io.captionflow.events.CropBox;
import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.TestVideos;
import io.captionflow.gateway.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks signed as Standard Webhooks v1 by the reference library, with the secrets of
 * {@code captionflow.gateway.webhooks.secrets} (the source {@code default}, every flow):
 * accepted with either of two configured secrets, refused (401) when unsigned, signed
 * with another secret or out of the 300 s tolerance either way; a redelivered webhook-id
 * answers with the first outcome; bad bodies get a problem naming the field; Prefect
 * automation states map precisely; nothing is stored on any refusal.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"captionflow.gateway.webhooks.secrets=" + WebhookIntegrationTests.OLD_SECRET + ","
						+ WebhookIntegrationTests.NEW_SECRET })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 2)
class WebhookIntegrationTests {

	static final String OLD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

	static final String NEW_SECRET = "whsec_bmV3LXNlY3JldC1mb3ItY2FwdGlvbmZsb3ctdGVzdHM=";

	private static final String UNKNOWN_SECRET = "whsec_"
			+ Base64.getEncoder().encodeToString("someone-else's-secret".getBytes(StandardCharsets.UTF_8));

	@TempDir
	static Path workDir;

	@Autowired
	WebTestClient http;

	@Autowired
	DatabaseClient db;

	private long notificationsBefore;

	private long deliveriesBefore;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		TestVideos.manifest(media, new VideoManifest("w1", "w1", "w1.mp4", 25, 100, 1280, 720,
				new CropBox(0, 600, 1280, 100), "eng", List.of()));
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@BeforeEach
	void countRows() {
		this.notificationsBefore = count("flow_notifications");
		this.deliveriesBefore = count("webhook_deliveries");
	}

	@Test
	void signedWithEitherConfiguredSecretIsAcceptedAndLogged() throws Exception {
		String body = "{\"videoId\":\"w1\",\"flowName\":\"import\",\"status\":\"started\"}";
		post(body, signed(OLD_SECRET, body, Instant.now())).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.success")
			.isEqualTo(true)
			.jsonPath("$.message")
			.isEqualTo("import started: recorded as started")
			.jsonPath("$.clients")
			.isEqualTo(0);
		post(body, signed(NEW_SECRET, body, Instant.now())).expectStatus().isOk();
		// while a key rotates, the sender signs with both: one matching signature is
		// enough
		String id = "msg_" + UUID.randomUUID();
		long now = Instant.now().getEpochSecond();
		String both = new Webhook(UNKNOWN_SECRET).sign(id, now, body) + " "
				+ new Webhook(NEW_SECRET).sign(id, now, body);
		post(body, new String[] { id, Long.toString(now), both }).expectStatus().isOk();
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore + 3);
		assertThat(count("flow_notifications where source = 'webhook:default' and video_id = 'w1'"))
			.isGreaterThanOrEqualTo(3);
	}

	@Test
	void redeliveryAnswersWithTheFirstOutcomeAndAppendsNothing() throws Exception {
		String body = "{\"videoId\":\"w1\",\"flowName\":\"nightly\",\"status\":\"error\",\"error\":\"disk full\"}";
		String[] headers = signed(OLD_SECRET, body, Instant.now());
		post(body, headers).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("nightly error: recorded as error");
		// the same delivery again, as a sender retrying after a lost response would
		post(body, headers).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.success")
			.isEqualTo(true)
			.jsonPath("$.message")
			.isEqualTo("nightly error: recorded as error (delivery " + headers[0] + " was received before)");
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore + 1);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore + 1);
		assertThat(text("select error from flow_notifications where flow_name = 'nightly'")).isEqualTo("disk full");
	}

	@Test
	void unauthenticatedRequestsAreRefusedAndStoreNothing() throws Exception {
		String body = "{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"started\"}";
		this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).startsWith("a credential is required"));
		post(body, signed(UNKNOWN_SECRET, body, Instant.now())).expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("no v1 signature in the webhook-signature header matches the body with a configured secret");
		// signed, then changed on the way
		String[] headers = signed(OLD_SECRET, body, Instant.now());
		post(body.replace("started", "complete"), headers).expectStatus().isUnauthorized();
		post(body, signed(OLD_SECRET, body, Instant.now().minusSeconds(301))).expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).contains("more than 300 s in the past"));
		// far enough ahead that it is still ahead of the tolerance when a loaded machine
		// delivers it late
		post(body, signed(OLD_SECRET, body, Instant.now().plusSeconds(330))).expectStatus().isUnauthorized();
		// a timestamp whose distance from now does not fit in a long
		String ancientId = "msg_" + UUID.randomUUID();
		long ancient = Long.MIN_VALUE + 1;
		post(body, new String[] { ancientId, Long.toString(ancient),
				new Webhook(OLD_SECRET).sign(ancientId, ancient, body) })
			.expectStatus()
			.isUnauthorized();
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore);
		// inside the tolerance, either way, is fine (the past by a margin for a late
		// delivery)
		post(body, signed(OLD_SECRET, body, Instant.now().minusSeconds(270))).expectStatus().isOk();
		post(body, signed(OLD_SECRET, body, Instant.now().plusSeconds(290))).expectStatus().isOk();
	}

	@Test
	void badBodiesGetAProblemNamingTheFieldAndStoreNothing() throws Exception {
		assertProblem("{\"videoId\":\"w1\",", 400, "body");
		assertProblem("[1, 2]", 400, "body");
		assertProblem("{\"flowName\":\"x\",\"status\":\"started\"}", 400, "videoId");
		assertProblem("{\"videoId\":\"w1\",\"status\":\"started\"}", 400, "flowName");
		assertProblem("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"finished\"}", 400, "status");
		assertProblem("{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":7}", 400, "status");
		assertProblem(
				"{\"flowRunId\":\"r\",\"flowName\":\"x\",\"state\":\"Exploded\",\"parameters\":{\"video_id\":\"w1\"}}",
				400, "state");
		assertProblem("{\"flowRunId\":\"r\",\"flowName\":\"x\",\"state\":\"Completed\",\"parameters\":{}}", 400,
				"parameters.video_id");
		String unknownVideo = "{\"videoId\":\"nope\",\"flowName\":\"x\",\"status\":\"started\"}";
		post(unknownVideo, signed(OLD_SECRET, unknownVideo, Instant.now())).expectStatus()
			.isNotFound()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("video 'nope' does not exist");
		String large = "{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"error\",\"error\":\"" + "e".repeat(70_000)
				+ "\"}";
		post(large, signed(OLD_SECRET, large, Instant.now())).expectStatus().isEqualTo(413);
		String body = "{\"videoId\":\"w1\",\"flowName\":\"x\",\"status\":\"started\"}";
		String[] headers = signed(OLD_SECRET, body, Instant.now());
		this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.TEXT_PLAIN)
			.header("webhook-id", headers[0])
			.header("webhook-timestamp", headers[1])
			.header("webhook-signature", headers[2])
			.bodyValue(body)
			.exchange()
			.expectStatus()
			.isEqualTo(415);
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore);
	}

	@Test
	void prefectAutomationStatesMapPrecisely() throws Exception {
		assertPrefect("\"Running\"", "started", null);
		assertPrefect("\"Completed\"", "complete", null);
		assertPrefect("\"COMPLETED\"", "complete", null);
		assertPrefect("{\"type\":\"StateType.COMPLETED\",\"name\":\"Completed\"}", "complete", null);
		assertPrefect("{\"type\":\"StateType.FAILED\",\"name\":\"Failed\"}", "error", "Prefect flow run run-1 failed");
		assertPrefect("\"Late\"", "queued", null);
		assertPrefect("\"Cancelled\"", "error", "Prefect flow run run-1 cancelled");
		assertPrefect("{\"type\":\"CRASHED\",\"name\":\"Crashed\",\"message\":\"worker lost\"}", "error",
				"Prefect flow run run-1 crashed: worker lost");
		assertPrefect("{\"type\":\"FAILED\",\"name\":\"Failed\"}", "error", "Prefect flow run run-1 failed");
		long before = count("flow_notifications");
		String paused = prefectBody("\"Paused\"");
		post(paused, signed(OLD_SECRET, paused, Instant.now())).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Prefect flow run run-1 of ingest is Paused: not a status change, nothing recorded");
		assertThat(count("flow_notifications")).isEqualTo(before);
	}

	private void assertPrefect(String state, String status, String error) throws Exception {
		String body = prefectBody(state);
		post(body, signed(NEW_SECRET, body, Instant.now())).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.value((message) -> assertThat(message.toString()).endsWith("recorded as " + status));
		assertThat(text("select status from flow_notifications where id = (select max(id) from flow_notifications)"))
			.isEqualTo(status);
		assertThat(text("select error from flow_notifications where id = (select max(id) from flow_notifications)"))
			.isEqualTo(error);
		assertThat(text("select flow_name from flow_notifications where id = (select max(id) from flow_notifications)"))
			.isEqualTo("ingest");
	}

	private static String prefectBody(String state) {
		return "{\"flowRunId\":\"run-1\",\"flowName\":\"ingest\",\"state\":" + state
				+ ",\"parameters\":{\"video_id\":\"w1\"}}";
	}

	private void assertProblem(String body, int status, String field) throws Exception {
		post(body, signed(OLD_SECRET, body, Instant.now())).expectStatus()
			.isEqualTo(status)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo(field);
	}

	private WebTestClient.ResponseSpec post(String body, String[] headers) {
		return this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.header("webhook-id", headers[0])
			.header("webhook-timestamp", headers[1])
			.header("webhook-signature", headers[2])
			.bodyValue(body)
			.exchange();
	}

	private static String[] signed(String secret, String body, Instant at) throws Exception {
		String id = "msg_" + UUID.randomUUID();
		long timestamp = at.getEpochSecond();
		return new String[] { id, Long.toString(timestamp), new Webhook(secret).sign(id, timestamp, body) };
	}

	private long count(String table) {
		return this.db.sql("select count(*) from " + table)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

	private String text(String sql) {
		return this.db.sql(sql)
			.map((row) -> Optional.ofNullable(row.get(0, String.class)))
			.one()
			.block(Duration.ofSeconds(5))
			.orElse(null);
	}

}
