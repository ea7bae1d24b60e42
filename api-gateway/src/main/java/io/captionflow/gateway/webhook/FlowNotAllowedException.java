package io.captionflow.gateway.webhook;

/**
 * An authentic webhook for a flow its source may not post for; answered with 403.
 */
final class FlowNotAllowedException extends RuntimeException {

	private final String source;

	private final String flowName;

	FlowNotAllowedException(WebhookSource source, String flowName) {
		super("source '" + source.name() + "' may not post webhooks for flow '" + flowName + "' (allowed: "
				+ String.join(", ", source.flows()) + ")");
		this.source = source.name();
		this.flowName = flowName;
	}

	String source() {
		return this.source;
	}

	String flowName() {
		return this.flowName;
	}

}
