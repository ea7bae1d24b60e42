package io.captionflow.gateway.webhook;

import io.captionflow.events.VideoNotification;
import org.jspecify.annotations.Nullable;

/**
 * What a job-status webhook says, whichever shape it came in ({@link StatusWebhook} or
 * {@link PrefectWebhook}), read by {@link WebhookPayloadReader}.
 *
 * @param videoId the video
 * @param flowName the flow or job
 * @param status the new status, or null when the webhook changes no status
 * @param error the reason, for {@code error}
 * @param describe what the webhook said, for the response message
 */
record WebhookPayload(String videoId, String flowName, VideoNotification.@Nullable Status status,
		@Nullable String error, String describe) {

}
