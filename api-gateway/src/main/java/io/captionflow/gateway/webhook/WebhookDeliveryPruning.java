package io.captionflow.gateway.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.captionflow.gateway.notify.NotifyProperties;
import io.captionflow.gateway.background.RoundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

/**
 * Forgets the webhook deliveries received longer than {@code webhooks.delivery-retention}
 * ago, on a thread of its own: at start-up, then every
 * {@code notifications.prune-interval}, as the notification log is pruned. A redelivery
 * comes within the signature tolerance, well inside the retention, so a forgotten
 * delivery is never one that could still be replayed.
 */
@Component
class WebhookDeliveryPruning extends RoundLoop {

	private static final Logger logger = LoggerFactory.getLogger(WebhookDeliveryPruning.class);

	private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(30);

	private final DatabaseClient db;

	private final Duration retention;

	private final Clock clock;

	WebhookDeliveryPruning(DatabaseClient db, WebhookProperties properties, NotifyProperties notify, Clock clock) {
		// one prune a round, a round every prune interval; a failed one is retried at
		// the notification poll interval, as when the sequencer pruned
		super("webhook-delivery-pruning",
				new Timing(1, notify.notifications().pruneInterval(), notify.notifications().pruneInterval(),
						notify.notifications().pollInterval(), notify.notifications().pollInterval(), ROUND_TIMEOUT));
		this.db = db;
		this.retention = properties.deliveryRetention();
		this.clock = clock;
	}

	/**
	 * Deletes the deliveries older than the retention.
	 * @return 0: the loop waits a prune interval
	 * @throws InterruptedException when stopped while waiting
	 */
	@Override
	protected int round() throws InterruptedException {
		OffsetDateTime cutoff = OffsetDateTime.ofInstant(this.clock.instant().minus(this.retention), ZoneOffset.UTC);
		Long deliveries = this.db.sql("delete from webhook_deliveries where received_at < :cutoff")
			.bind("cutoff", cutoff)
			.fetch()
			.rowsUpdated()
			.block(ROUND_TIMEOUT);
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		if (deliveries != null && deliveries > 0) {
			logger.debug("Pruned {} webhook deliveries", deliveries);
		}
		return 0;
	}

}
