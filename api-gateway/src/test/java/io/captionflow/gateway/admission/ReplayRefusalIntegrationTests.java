package io.captionflow.gateway.admission;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.gateway.TestDatabase;
import io.captionflow.testsupport.TestVideos;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With every replay from the log taken ({@code replays.max-concurrent} 0 here), a client
 * that would need one is refused with 503, {@code Retry-After} and a problem, before its
 * stream starts, and counted; a client the in-memory buffer can serve is not.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.config.name=api-gateway",
				"spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
				"captionflow.gateway.notifications.poll-interval=200ms", "captionflow.gateway.sse.replay-buffer=4",
				"captionflow.gateway.admission.replays.max-concurrent=0" })
@EmbeddedKafka(partitions = 2)
class ReplayRefusalIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	static Path workDir;

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient db;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void directories(DynamicPropertyRegistry registry) throws IOException {
		Path media = workDir.resolve("media");
		Files.createDirectories(media);
		TestVideos.manifest(media, new VideoManifest("r1", "r1", "r1.mp4", 25, 50, 320, 180,
				new CropBox(0, 150, 320, 30), "eng", List.of()));
		registry.add("captionflow.gateway.media-root", media::toString);
		TestDatabase.register(registry, workDir);
	}

	@Test
	void aClientThatNeedsAReplayFromTheLogIsRefusedWith503WhileEveryReplayIsTaken() {
		for (int i = 0; i < 10; i++) {
			assertThat(
					RawConnection
						.exchange("127.0.0.1", this.port, "POST", "/api/webhooks/prefect",
								JSON.writeValueAsString(
										Map.of("videoId", "r1", "flowName", "flow-" + i, "status", "started")))
						.status())
				.isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> numbered() >= 10);
		long newest = numbered();
		long epoch = epoch();
		double refusedBefore = this.meters.get("captionflow.sse.rejected").tag("reason", "replays").counter().count();

		try (RawConnection behind = RawConnection.stream("127.0.0.1", this.port,
				"Last-Event-ID: " + epoch + "-" + (newest - 8) + "\r\n")) {
			RawConnection.Response refused = behind.body(behind.head());
			assertThat(refused.status()).isEqualTo(503);
			assertThat(refused.headers()).containsEntry("retry-after", "5")
				.containsEntry("content-type", "application/problem+json");
			assertThat(JSON.readTree(refused.body()).get("detail").asString())
				.contains("replayed from the notification log");
		}
		assertThat(
				this.meters.get("captionflow.sse.rejected").tag("reason", "replays").counter().count() - refusedBefore)
			.isEqualTo(1);

		try (RawConnection recent = RawConnection.stream("127.0.0.1", this.port,
				"Last-Event-ID: " + epoch + "-" + (newest - 1) + "\r\n")) {
			assertThat(recent.head().status()).isEqualTo(200);
			recent.readInBackground();
			await().atMost(WAIT).until(() -> recent.received().contains("id:" + epoch + "-" + newest + "\n"));
		}
	}

	private long epoch() {
		return this.db.sql("select epoch from notification_epoch where id = 1")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

	private long numbered() {
		return this.db.sql("select coalesce(max(seq), 0) from flow_notifications")
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(WAIT);
	}

}
