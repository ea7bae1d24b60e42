package io.captionflow.gateway.caption;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The sweep of captions whose OCR seems lost: queued or processing with no sign of life
 * for {@code stuckAfter}, they are queued again, and after {@code maxAttempts} requests
 * end in error.
 *
 * @param interval how often the sweep runs
 * @param stuckAfter how long a caption may stay queued or processing without news
 * @param maxAttempts OCR requests per save before the caption ends in error
 */
@ConfigurationProperties("captionflow.gateway.sweep")
public record SweepProperties(@DefaultValue("30s") Duration interval, @DefaultValue("5m") Duration stuckAfter,
		@DefaultValue("3") int maxAttempts) {
}
