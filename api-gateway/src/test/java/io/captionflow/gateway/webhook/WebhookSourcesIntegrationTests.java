package io.captionflow.gateway.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.standardwebhooks.Webhook;
import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three webhook sources on a real gateway, over real HTTP: {@code ci} signs with either
 * of two Standard Webhooks secrets (the reference library signs) for
 * {@code nightly-import} and {@code export}; {@code prefect} and {@code other} send
 * bearer tokens for {@code ingest} and {@code other-flow}. Each is accepted for its flows
 * and recorded as {@code webhook:<name>}, refused (403, naming the flow and the source)
 * for another source's flow, refused (401) with a wrong or missing credential; nothing is
 * stored on any refusal.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "spring.config.name=api-gateway",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
		"captionflow.gateway.webhooks.sources.ci.secrets=" + WebhookSourcesTests.CI_OLD + ","
				+ WebhookSourcesTests.CI_NEW,
		"captionflow.gateway.webhooks.sources.ci.flows=nightly-import,export",
		"captionflow.gateway.webhooks.sources.prefect.token-sha256=" + WebhookSourcesIntegrationTests.PREFECT_SHA256,
		"captionflow.gateway.webhooks.sources.prefect.flows=ingest",
		"captionflow.gateway.webhooks.sources.other.token-sha256=" + WebhookSourcesIntegrationTests.OTHER_SHA256,
		"captionflow.gateway.webhooks.sources.other.flows=other-flow" })
@AutoConfigureWebTestClient
@EmbeddedKafka(partitions = 2)
class WebhookSourcesIntegrationTests {

	// printf %s "$TOKEN" | sha256sum, of WebhookSourcesTests.PREFECT_TOKEN and
	// OTHER_TOKEN
	static final String PREFECT_SHA256 = "7c0712785623228d9325430a5dd6bb39a401e898f0cc96d9a803b48258d404ed";

	static final String OTHER_SHA256 = "3db8a9c0e06b319fdf4617f09d09893828ad4d01fb9af09bd977cdee31dcf54c";

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
		TestVideos.manifest(media, new VideoManifest("s1", "s1", "s1.mp4", 25, 100, 1280, 720,
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
	void eachSourceIsAcceptedForItsFlowsAndRecordedUnderItsName() throws Exception {
		String nightly = seed("nightly-import", "started");
		signed(WebhookSourcesTests.CI_OLD, nightly).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("nightly-import started: recorded as started");
		// the key rotates: the new secret is accepted alike
		String export = seed("export", "complete");
		signed(WebhookSourcesTests.CI_NEW, export).expectStatus().isOk();
		String prefect = "{\"flowRunId\":\"8f1c\",\"flowName\":\"ingest\",\"state\":{\"type\":\"COMPLETED\","
				+ "\"name\":\"Completed\",\"message\":null},\"parameters\":{\"video_id\":\"s1\"}}";
		bearer(WebhookSourcesTests.PREFECT_TOKEN, prefect).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("Prefect flow run 8f1c of ingest is COMPLETED: recorded as complete");
		bearer(WebhookSourcesTests.OTHER_TOKEN, seed("other-flow", "error")).expectStatus().isOk();
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore + 4);
		assertThat(text("select distinct source from flow_notifications where flow_name = 'nightly-import'"))
			.isEqualTo("webhook:ci");
		assertThat(text("select distinct source from flow_notifications where flow_name = 'export'"))
			.isEqualTo("webhook:ci");
		assertThat(text("select distinct source from flow_notifications where flow_name = 'ingest'"))
			.isEqualTo("webhook:prefect");
		assertThat(text("select distinct source from flow_notifications where flow_name = 'other-flow'"))
			.isEqualTo("webhook:other");
	}

	@Test
	void aSourcePostingForAFlowItIsNotAllowedGets403NamingTheFlowAndTheSource() throws Exception {
		signed(WebhookSourcesTests.CI_NEW, seed("ingest", "started")).expectStatus()
			.isForbidden()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("source 'ci' may not post webhooks for flow 'ingest' (allowed: nightly-import, export)")
			.jsonPath("$.source")
			.isEqualTo("ci")
			.jsonPath("$.flowName")
			.isEqualTo("ingest");
		bearer(WebhookSourcesTests.PREFECT_TOKEN, seed("nightly-import", "complete")).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.source")
			.isEqualTo("prefect");
		// the token of one source does not pass as another's, whatever flow it names
		bearer(WebhookSourcesTests.PREFECT_TOKEN, seed("other-flow", "complete")).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("source 'prefect' may not post webhooks for flow 'other-flow' (allowed: ingest)");
		bearer(WebhookSourcesTests.OTHER_TOKEN, seed("ingest", "complete")).expectStatus()
			.isForbidden()
			.expectBody()
			.jsonPath("$.source")
			.isEqualTo("other");
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore);
	}

	@Test
	void aWrongOrMissingCredentialGets401AndStoresNothing() throws Exception {
		String body = seed("ingest", "started");
		post(body, null).expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.title")
			.isEqualTo("Webhook not authenticated")
			.jsonPath("$.detail")
			.isEqualTo("a credential is required: sign the request as Standard Webhooks (webhook-id, "
					+ "webhook-timestamp, webhook-signature) or send Authorization: Bearer <token>");
		bearer("not-" + WebhookSourcesTests.PREFECT_TOKEN, body).expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("the bearer token is no configured source's");
		// the digest in the settings is not the credential
		bearer(PREFECT_SHA256, body).expectStatus().isUnauthorized();
		post(body, "Basic " + WebhookSourcesTests.PREFECT_TOKEN).expectStatus().isUnauthorized();
		signed(WebhookSourcesTests.secret("someone-else's-secret-32-bytes!!"), body).expectStatus()
			.isUnauthorized()
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("no v1 signature in the webhook-signature header matches the body with a configured secret");
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore);
	}

	@Test
	void aWebhookIdIsRememberedPerSource() throws Exception {
		String id = "msg_" + UUID.randomUUID();
		String body = seed("export", "started");
		signed(WebhookSourcesTests.CI_OLD, body, id).expectStatus().isOk();
		signed(WebhookSourcesTests.CI_OLD, body, id).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("export started: recorded as started (delivery " + id + " was received before)");
		// another source using the same id is a delivery of its own
		this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + WebhookSourcesTests.OTHER_TOKEN)
			.header("webhook-id", id)
			.bodyValue(seed("other-flow", "started"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.message")
			.isEqualTo("other-flow started: recorded as started");
		assertThat(count("flow_notifications")).isEqualTo(this.notificationsBefore + 2);
		assertThat(count("webhook_deliveries")).isEqualTo(this.deliveriesBefore + 2);
	}

	private static String seed(String flowName, String status) {
		return "{\"videoId\":\"s1\",\"flowName\":\"" + flowName + "\",\"status\":\"" + status + "\"}";
	}

	private WebTestClient.ResponseSpec signed(String secret, String body) throws Exception {
		return signed(secret, body, "msg_" + UUID.randomUUID());
	}

	private WebTestClient.ResponseSpec signed(String secret, String body, String id) throws Exception {
		long timestamp = Instant.now().getEpochSecond();
		return this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.header("webhook-id", id)
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature", new Webhook(secret).sign(id, timestamp, body))
			.bodyValue(body)
			.exchange();
	}

	private WebTestClient.ResponseSpec bearer(String token, String body) {
		return post(body, "Bearer " + token);
	}

	private WebTestClient.ResponseSpec post(String body, String authorization) {
		WebTestClient.RequestBodySpec request = this.http.post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON);
		if (authorization != null) {
			request = request.header(HttpHeaders.AUTHORIZATION, authorization);
		}
		return request.bodyValue(body).exchange();
	}

	private long count(String table) {
		return this.db.sql("select count(*) from " + table)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

	private String text(String sql) {
		return this.db.sql(sql).map((row) -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
	}

}
