package io.captionflow.gateway.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Incoming webhooks. Each external system that posts them is a source with its own
 * credential and the flows it may post for; a request is from the source whose credential
 * it carries. Unsigned requests are accepted only on a loopback bind with no source
 * configured, unless {@code allowUnsigned}.
 *
 * @param sources the external systems that may post webhooks, by name (lowercase letters,
 * digits and dashes); a notification they post has the source {@code webhook:<name>}
 * @param secrets Standard Webhooks secrets of the source named {@code default}, which may
 * post for every flow: the setting from before sources, still honoured
 * @param allowUnsigned whether to accept unsigned requests where they would be refused:
 * on a bind other than loopback, or with a source configured (anyone who reaches the
 * gateway can then post for every flow, as source {@code webhook:unsigned})
 * @param tolerance how far a request's {@code webhook-timestamp} may be from now, either
 * way
 * @param deliveryRetention how long a {@code webhook-id} is remembered, to answer a
 * redelivery with its original outcome; longer than twice the tolerance, so that a
 * delivery is remembered for as long as its signature can be replayed
 */
@ConfigurationProperties("captionflow.gateway.webhooks")
public record WebhookProperties(@DefaultValue Map<String, Source> sources, @DefaultValue List<String> secrets,
		@DefaultValue("false") boolean allowUnsigned, @DefaultValue("300s") Duration tolerance,
		@DefaultValue("24h") Duration deliveryRetention) {

	/**
	 * One external system that posts webhooks, with one kind of credential:
	 * {@code secrets} or {@code tokenSha256}.
	 *
	 * @param secrets Standard Webhooks signing secrets ({@code whsec_} and base64, at
	 * least 24 bytes decoded); a request signed with any of them is from this source, so
	 * a secret can be rotated
	 * @param tokenSha256 for a sender that cannot sign (a stock Prefect webhook block):
	 * the SHA-256, as 64 hex digits, of the token it sends as
	 * {@code Authorization: Bearer <token>} (at least 24 random bytes); the token itself
	 * is not stored
	 * @param flows the flows ({@code flowName}) this source may post for, {@code *} for
	 * every flow
	 */
	public record Source(@DefaultValue List<String> secrets, @Nullable String tokenSha256,
			@DefaultValue List<String> flows) {
	}

}
