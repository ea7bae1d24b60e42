package io.captionflow.gateway.webhook;

import java.util.stream.Collectors;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports webhook settings that stopped the start as Spring Boot reports a bad setting:
 * each setting at fault on a line of its own, instead of a stack trace.
 */
class WebhookSettingsFailureAnalyzer extends AbstractFailureAnalyzer<WebhookSources.InvalidSettingsException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WebhookSources.InvalidSettingsException cause) {
		String description = "Invalid webhook settings:\n"
				+ cause.errors().stream().map((error) -> "  - " + error).collect(Collectors.joining("\n"));
		return new FailureAnalysis(description, "Correct the settings named above (README, \"Live updates and "
				+ "webhooks\", shows how to configure webhook sources).", cause);
	}

}
