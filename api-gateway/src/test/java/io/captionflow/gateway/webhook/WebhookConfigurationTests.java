package io.captionflow.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook sources as Spring binds them from settings: environment variables as the
 * README writes them, the bind address from {@code server.address}, and a webhook setting
 * that binds to nothing refused by name.
 */
class WebhookConfigurationTests {

	private static final String BODY = "{}";

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withUserConfiguration(Settings.class, WebhookConfiguration.class);

	@Test
	void sourcesBindFromEnvironmentVariablesAsTheReadmeWritesThem() {
		Map<String, Object> variables = Map.of("CAPTIONFLOW_GATEWAY_WEBHOOKS_SOURCES_PREFECT_TOKENSHA256",
				WebhookSourcesTests.sha256(WebhookSourcesTests.PREFECT_TOKEN),
				"CAPTIONFLOW_GATEWAY_WEBHOOKS_SOURCES_PREFECT_FLOWS", "ingest,export",
				"CAPTIONFLOW_GATEWAY_WEBHOOKS_SOURCES_CI_SECRETS",
				WebhookSourcesTests.CI_OLD + "," + WebhookSourcesTests.CI_NEW,
				"CAPTIONFLOW_GATEWAY_WEBHOOKS_SOURCES_CI_FLOWS", "*");
		this.contexts
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						"test-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				WebhookSources sources = context.getBean(WebhookSources.class);
				WebhookSource prefect = sources.authenticate("Bearer " + WebhookSourcesTests.PREFECT_TOKEN, null, null,
						null, BODY.getBytes(StandardCharsets.UTF_8));
				assertThat(prefect.name()).isEqualTo("prefect");
				assertThat(prefect.flows()).containsExactlyInAnyOrder("ingest", "export");
				WebhookSource ci = find(sources, "ci");
				assertThat(ci.keys()).hasSize(2);
				assertThat(ci.allows("any-flow")).isTrue();
			});
	}

	@Test
	void unsignedWebhooksAreAcceptedOnlyWhenServerAddressIsLoopback() {
		this.contexts.withPropertyValues("server.address=127.0.0.1")
			.run((context) -> assertThat(context.getBean(WebhookSources.class).acceptsUnsigned()).isTrue());
		this.contexts.withPropertyValues("server.address=0.0.0.0")
			.run((context) -> assertThat(context.getBean(WebhookSources.class).acceptsUnsigned()).isFalse());
		// no server.address: every interface
		this.contexts.run((context) -> assertThat(context.getBean(WebhookSources.class).acceptsUnsigned()).isFalse());
		this.contexts.withPropertyValues("server.address=0.0.0.0", "captionflow.gateway.webhooks.allow-unsigned=true")
			.run((context) -> assertThat(context.getBean(WebhookSources.class).acceptsUnsigned()).isTrue());
	}

	@Test
	void aWebhookSettingThatBindsToNothingIsRefusedByName() {
		this.contexts
			.withPropertyValues(
					"captionflow.gateway.webhooks.sources.prefect.token-sha265="
							+ WebhookSourcesTests.sha256(WebhookSourcesTests.PREFECT_TOKEN),
					"captionflow.gateway.webhooks.sources.prefect.flows=ingest")
			.run((context) -> assertStartupFailure(context,
					"captionflow.gateway.webhooks.sources.prefect.token-sha265"));
		this.contexts.withPropertyValues("captionflow.gateway.webhooks.secret=" + WebhookSourcesTests.CI_OLD)
			.run((context) -> assertStartupFailure(context, "captionflow.gateway.webhooks.secret"));
	}

	@Test
	void invalidSourcesStopTheStartNamingTheSetting() {
		this.contexts
			.withPropertyValues(
					"captionflow.gateway.webhooks.sources.ci.secrets=" + WebhookSourcesTests.secret("sixteen-bytes-ok"),
					"captionflow.gateway.webhooks.sources.ci.flows=*")
			.run((context) -> assertStartupFailure(context,
					"captionflow.gateway.webhooks.sources.ci.secrets[0]: the key is 16 bytes"));
	}

	private static WebhookSource find(WebhookSources sources, String name) {
		return sources.sources().stream().filter((source) -> source.name().equals(name)).findFirst().orElseThrow();
	}

	private static void assertStartupFailure(AssertableApplicationContext context, String message) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		assertThat(messages.toString()).contains(message);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ WebhookProperties.class, ServerProperties.class })
	static class Settings {

		@Bean
		Clock clock() {
			return Clock.systemUTC();
		}

	}

}
