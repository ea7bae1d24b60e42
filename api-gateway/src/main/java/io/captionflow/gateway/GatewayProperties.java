package io.captionflow.gateway;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the API gateway.
 *
 * @param dataDir folder of the gateway's own files (the H2 database by default)
 * @param mediaRoot folder videos live in; video media locations are relative to it
 * @param importManifests whether to register, at start-up, every video whose
 * {@code *.video.json} manifest is found under the media root and that is not registered
 * yet
 * @param topicPartitions partitions of the topics the gateway creates when missing
 * @param outbox how the outbox relay publishes
 * @param sse how Server-Sent Event streams behave
 */
@ConfigurationProperties("captionflow.gateway")
public record GatewayProperties(@DefaultValue("./data") Path dataDir, @DefaultValue("./data/media") Path mediaRoot,
		@DefaultValue("true") boolean importManifests, @DefaultValue("6") int topicPartitions,
		@DefaultValue Outbox outbox, @DefaultValue Sse sse) {

	/**
	 * Outbox relay settings.
	 *
	 * @param pollInterval how often the relay looks for rows when nothing woke it
	 * @param batchSize the most rows published in one round
	 * @param minBackoff first pause after a failed round
	 * @param maxBackoff longest pause between rounds while the broker is unreachable
	 */
	public record Outbox(@DefaultValue("1s") Duration pollInterval, @DefaultValue("200") int batchSize,
			@DefaultValue("200ms") Duration minBackoff, @DefaultValue("10s") Duration maxBackoff) {
	}

	/**
	 * Server-Sent Events settings.
	 *
	 * @param heartbeat interval of the heartbeat comment that keeps proxies from closing
	 * idle streams
	 * @param retry reconnection delay suggested to clients in the stream's {@code retry:}
	 * field
	 */
	public record Sse(@DefaultValue("15s") Duration heartbeat, @DefaultValue("1s") Duration retry) {
	}

}
