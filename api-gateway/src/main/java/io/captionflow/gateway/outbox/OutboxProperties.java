package io.captionflow.gateway.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the outbox relay publishes ({@code captionflow.gateway.outbox}).
 *
 * @param pollInterval how often the relay looks for rows when nothing woke it
 * @param batchSize the most rows published in one round
 * @param minBackoff first pause after a failed round
 * @param maxBackoff longest pause between rounds while the broker is unreachable
 * @param maxWait the longest a row may wait in the outbox before the relay's health is
 * {@code DOWN} (the broker away that long, or the relay stuck)
 */
@ConfigurationProperties("captionflow.gateway.outbox")
public record OutboxProperties(@DefaultValue("1s") Duration pollInterval, @DefaultValue("200") int batchSize,
		@DefaultValue("200ms") Duration minBackoff, @DefaultValue("10s") Duration maxBackoff,
		@DefaultValue("5m") Duration maxWait) {
}
