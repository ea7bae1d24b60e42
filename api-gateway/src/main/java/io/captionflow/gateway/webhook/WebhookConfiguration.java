package io.captionflow.gateway.webhook;

import java.net.InetAddress;
import java.time.Clock;
import java.util.stream.Collectors;

import io.captionflow.gateway.security.ServerBind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The webhook sources of the settings, checked at start-up.
 */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(WebhookConfiguration.class);

	@Bean
	WebhookSources webhookSources(WebhookProperties properties, Environment environment, Clock clock) {
		refuseUnknownSettings(environment);
		InetAddress bind = ServerBind.of(environment).address();
		WebhookSources sources = WebhookSources.of(properties, bind, clock);
		String where = (bind != null) ? bind.getHostAddress() : "every interface";
		if (!sources.sources().isEmpty()) {
			logger.info("Webhook sources: {}", sources.sources()
				.stream()
				.map((source) -> source.name() + " (" + ((source.tokenSha256() != null) ? "bearer token" : "signed")
						+ ", flows " + String.join(",", source.flows()) + ")")
				.collect(Collectors.joining(", ")));
		}
		if (properties.allowUnsigned()) {
			logger.warn("{}.allow-unsigned is true: anyone who reaches the gateway ({}) can post webhooks for every "
					+ "flow without a credential", WebhookSources.PREFIX, where);
		}
		else if (sources.acceptsUnsigned()) {
			logger.info("Unsigned webhooks are accepted: the gateway listens on {} only and no webhook source is "
					+ "configured ({}.sources)", where, WebhookSources.PREFIX);
		}
		else if (sources.sources().isEmpty()) {
			logger.warn("Every webhook is refused: the gateway listens on {}, not loopback, and no webhook source is "
					+ "configured ({}.sources)", where, WebhookSources.PREFIX);
		}
		return sources;
	}

	/**
	 * Refuses a webhook setting that binds to nothing, such as a misspelt
	 * {@code token-sha256} or {@code secret}: left unnoticed, it would leave a source
	 * without the credential meant for it.
	 */
	private static void refuseUnknownSettings(Environment environment) {
		ConfigurationPropertyName prefix = ConfigurationPropertyName.of(WebhookSources.PREFIX);
		Binder.get(environment)
			.bind(prefix, Bindable.of(WebhookProperties.class), new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
	}

}
