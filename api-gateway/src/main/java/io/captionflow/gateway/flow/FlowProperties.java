package io.captionflow.gateway.flow;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How flow events are applied.
 *
 * @param applyTimeout the longest applying one flow event may take before its record is
 * retried
 */
@ConfigurationProperties("captionflow.gateway")
public record FlowProperties(@DefaultValue("30s") Duration applyTimeout) {
}
