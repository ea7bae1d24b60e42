package io.captionflow.gateway.webhook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import io.captionflow.gateway.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The remembered webhook deliveries are forgotten once older than
 * {@code webhooks.delivery-retention} (24 h), every {@code notifications.prune-interval};
 * newer ones are kept.
 */
@SpringBootTest(properties = { "spring.config.name=api-gateway",
		"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
		"captionflow.gateway.notifications.prune-interval=100ms" })
@EmbeddedKafka(partitions = 1)
class WebhookDeliveryPruningIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@TempDir
	static Path workDir;

	@Autowired
	DatabaseClient db;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@Test
	void deliveriesOlderThanTheRetentionAreForgottenAndNewerOnesKept() {
		OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
		remember("default:expired", now.minusHours(25));
		remember("default:recent", now.minusHours(23));
		await().atMost(WAIT).untilAsserted(() -> assertThat(remembered()).containsExactly("default:recent"));
	}

	private void remember(String webhookId, OffsetDateTime receivedAt) {
		this.db
			.sql("insert into webhook_deliveries (webhook_id, success, message, received_at) "
					+ "values (:id, true, 'recorded', :at)")
			.bind("id", webhookId)
			.bind("at", receivedAt)
			.fetch()
			.rowsUpdated()
			.block(WAIT);
	}

	private List<String> remembered() {
		return this.db.sql("select webhook_id from webhook_deliveries order by webhook_id")
			.map((row) -> row.get(0, String.class))
			.all()
			.collectList()
			.block(WAIT);
	}

}
