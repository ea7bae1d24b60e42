package io.captionflow.gateway.webhook;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.webhook.FieldRules.Lines;
import io.captionflow.gateway.webhook.FieldRules.RequiredLine;
import jakarta.validation.constraints.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The job-status webhook, in the notification's own shape: {@code {videoId, flowName,
 * status: started|complete|error, error?}}. Other fields are ignored.
 *
 * @param videoId the video
 * @param flowName the flow or job
 * @param status {@code started}, {@code complete} or {@code error}
 * @param error the reason, for {@code error}; lines are allowed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record StatusWebhook(@RequiredLine(max = FieldRules.MAX_ID) String videoId,
		@RequiredLine(max = FieldRules.MAX_NAME) String flowName,
		@RequiredLine(max = 32) @Pattern(regexp = "started|complete|error",
				message = "must be one of started, complete, error", groups = FieldRules.Known.class) String status,
		@Lines(max = FieldRules.MAX_REASON) @Nullable String error) {

	/**
	 * What the webhook says, once its fields are checked.
	 * @return the payload; an error without a reason is {@code failed}
	 */
	WebhookPayload payload() {
		VideoNotification.Status status = VideoNotification.Status.fromWireName(this.status);
		String reason = (this.error != null) ? this.error : "failed";
		return new WebhookPayload(this.videoId, this.flowName, status,
				(status == VideoNotification.Status.ERROR) ? reason : null, this.flowName + " " + this.status);
	}

}
