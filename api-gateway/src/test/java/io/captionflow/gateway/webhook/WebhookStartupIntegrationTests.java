package io.captionflow.gateway.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.GatewayApplication;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The gateway as {@code java -jar} starts it, with webhook settings: those that cannot be
 * made safe stop the start with a message naming the setting; on a bind other than
 * loopback, unsigned webhooks are refused unless {@code allow-unsigned}.
 */
@SpringJUnitConfig
@EmbeddedKafka(partitions = 2)
@ExtendWith(OutputCaptureExtension.class)
class WebhookStartupIntegrationTests {

	private static final String UNSIGNED = "{\"videoId\":\"u1\",\"flowName\":\"local-script\",\"status\":\"started\"}";

	@TempDir
	Path workDir;

	@Autowired
	EmbeddedKafkaBroker broker;

	private final List<ConfigurableApplicationContext> gateways = new ArrayList<>();

	@AfterEach
	void stop() {
		this.gateways.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void aKeyShorterThan24BytesStopsTheStartNamingTheSetting(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> start(
					"captionflow.gateway.webhooks.sources.ci.secrets="
							+ WebhookSourcesTests.secret("twenty-three-bytes-long"),
					"captionflow.gateway.webhooks.sources.ci.flows=*"))
			.havingRootCause()
			.withMessageContaining("captionflow.gateway.webhooks.sources.ci.secrets[0]: the key is 23 bytes, at "
					+ "least 24 are required");
		assertThatException()
			.isThrownBy(() -> start("captionflow.gateway.webhooks.secrets=" + WebhookSourcesTests.secret("short")))
			.havingRootCause()
			.withMessageContaining("captionflow.gateway.webhooks.secrets[0]: the key is 5 bytes");
		// reported as Boot reports a bad setting, not as a stack trace
		assertThat(output.getOut()).contains("APPLICATION FAILED TO START")
			.contains("Invalid webhook settings:")
			.contains("  - captionflow.gateway.webhooks.sources.ci.secrets[0]: the key is 23 bytes");
	}

	@Test
	void aToleranceNotShorterThanTheRetentionStopsTheStartNamingBoth() {
		assertThatException()
			.isThrownBy(() -> start("captionflow.gateway.webhooks.tolerance=1h",
					"captionflow.gateway.webhooks.delivery-retention=1h"))
			.havingRootCause()
			.withMessageContaining("captionflow.gateway.webhooks.delivery-retention (PT1H) must be longer than twice "
					+ "captionflow.gateway.webhooks.tolerance (PT1H)");
	}

	@Test
	void aSourceWithoutACredentialOrWithAMisspeltSettingStopsTheStart() {
		assertThatException().isThrownBy(() -> start("captionflow.gateway.webhooks.sources.ci.flows=*"))
			.havingRootCause()
			.withMessageContaining("captionflow.gateway.webhooks.sources.ci: has no credential");
		assertThatException()
			.isThrownBy(() -> start("captionflow.gateway.webhooks.sources.ci.token=secret-token-of-the-ci-source",
					"captionflow.gateway.webhooks.sources.ci.flows=*"))
			.havingRootCause()
			.withMessageContaining("captionflow.gateway.webhooks.sources.ci.token");
	}

	/**
	 * A gateway on every interface: it must authenticate its API clients to start (the
	 * issuer's keys are fetched only when a token comes, which none does here).
	 */
	private static final String[] ON_A_NETWORK = { "server.address=0.0.0.0", "captionflow.gateway.security.mode=oauth2",
			"spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks" };

	@Test
	void unsignedWebhooksAreRefusedOnABindOtherThanLoopback() {
		ConfigurableApplicationContext gateway = start(ON_A_NETWORK);
		long before = count(gateway, "flow_notifications");
		http(gateway).post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(UNSIGNED)
			.exchange()
			.expectStatus()
			.isUnauthorized()
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.value((detail) -> assertThat(detail.toString()).startsWith("a credential is required")
				.contains("unsigned webhooks are accepted only on a loopback server.address"));
		assertThat(count(gateway, "flow_notifications")).isEqualTo(before);
	}

	@Test
	void allowUnsignedAcceptsThemOnABindOtherThanLoopbackAsTheSourceUnsigned() {
		ConfigurableApplicationContext gateway = start(ON_A_NETWORK[0], ON_A_NETWORK[1], ON_A_NETWORK[2],
				"captionflow.gateway.webhooks.allow-unsigned=true");
		http(gateway).post()
			.uri("/api/webhooks/prefect")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(UNSIGNED)
			.exchange()
			.expectStatus()
			.isOk();
		assertThat(count(gateway, "flow_notifications where source = 'webhook:unsigned'")).isEqualTo(1);
	}

	private ConfigurableApplicationContext start(String... settings) {
		Path media = this.workDir.resolve("media");
		try {
			Files.createDirectories(media);
			TestVideos.manifest(media, new VideoManifest("u1", "u1", "u1.mp4", 25, 100, 1280, 720,
					new CropBox(0, 600, 1280, 100), "eng", List.of()));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		Map<String, String> properties = new LinkedHashMap<>(
				Map.of("server.port", "0", "spring.kafka.bootstrap-servers", this.broker.getBrokersAsString(),
						"captionflow.gateway.media-root", media.toString()));
		properties.putAll(TestDatabase.properties(this.workDir));
		for (String setting : settings) {
			properties.put(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
		}
		List<String> arguments = new ArrayList<>();
		properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
		ConfigurableApplicationContext gateway = GatewayApplication.create().run(arguments.toArray(String[]::new));
		this.gateways.add(gateway);
		return gateway;
	}

	private static WebTestClient http(ConfigurableApplicationContext gateway) {
		return WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + gateway.getEnvironment().getProperty("local.server.port"))
			.build();
	}

	private static long count(ConfigurableApplicationContext gateway, String table) {
		return gateway.getBean(DatabaseClient.class)
			.sql("select count(*) from " + table)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

}
