package io.captionflow.gateway.webhook;

/**
 * A webhook request that carries no credential where one is required, or one that is not
 * valid; answered with 401.
 */
final class WebhookAuthenticationException extends RuntimeException {

	WebhookAuthenticationException(String message) {
		super(message);
	}

}
