package io.captionflow.system;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.captionflow.events.EventJson;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker goes down: saves keep answering at once with {@code queued}, their requests
 * wait in the outbox, and when the broker is back every one of them is published,
 * processed by the worker and applied, with the text burned into the video. A real broker
 * process, stopped and started again on its data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokerOutageIntegrationTests {

	private static final int VIDEOS = 10;

	private static final int CAPTIONS_PER_VIDEO = 20;

	@TempDir
	static Path workDir;

	KafkaBrokerProcess broker;

	ConfigurableApplicationContext gateway;

	ConfigurableApplicationContext worker;

	WebClient http;

	VideoManifest clip;

	@BeforeAll
	void startSystem() throws Exception {
		Path media = workDir.resolve("media");
		this.clip = new DemoVideo(DemoVideo.Spec.shortClip()).render(media, "clip", "clips/clip.mp4");
		for (int v = 0; v < VIDEOS; v++) {
			List<VideoManifest.PredictedCaption> captions = new ArrayList<>();
			for (VideoManifest.PredictedCaption burnedIn : this.clip.captions()) {
				for (int k = 0; k < CAPTIONS_PER_VIDEO / 2; k++) {
					int start = burnedIn.startFrameIndex() + 4 * k;
					captions.add(new VideoManifest.PredictedCaption(start, start + 3, null));
				}
			}
			VideoManifest manifest = new VideoManifest("outage-" + v, "Outage " + v, this.clip.media(), this.clip.fps(),
					this.clip.frameCount(), this.clip.width(), this.clip.height(), this.clip.crop(), "eng", captions);
			Files.write(media.resolve("clips/outage-" + v + VideoManifest.SUFFIX), EventJson.write(manifest));
		}
		this.broker = new KafkaBrokerProcess(workDir.resolve("kafka"));
		this.broker.start();
		String brokers = this.broker.bootstrapServers();
		this.gateway = SystemApplications.gateway(workDir, 0, brokers, "--captionflow.gateway.outbox.max-backoff=2s");
		this.worker = SystemApplications.worker(workDir, brokers, "--spring.kafka.listener.concurrency=2");
		this.http = SystemApplications.http(this.gateway);
	}

	@AfterAll
	void stopSystem() throws Exception {
		SystemApplications.close(this.worker, this.gateway);
		if (this.broker != null) {
			this.broker.close();
		}
	}

	@Test
	void everySaveMadeWhileTheBrokerIsDownCompletesOnceItIsBack() throws Exception {
		Map<Long, String> expected = new HashMap<>();
		List<long[]> saves = new ArrayList<>();
		for (int v = 0; v < VIDEOS; v++) {
			JsonNode page = this.http.get()
				.uri("/api/videos/outage-{v}/captions?size=100", v)
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(Duration.ofSeconds(10));
			for (JsonNode caption : page.get("content")) {
				long id = caption.get("id").asLong();
				int start = caption.get("startFrameIndex").asInt();
				expected.put(id, this.clip.captions()
					.stream()
					.filter((burnedIn) -> burnedIn.startFrameIndex() <= start && start <= burnedIn.endFrameIndex())
					.findFirst()
					.orElseThrow()
					.text());
				saves.add(new long[] { v, id, start, caption.get("endFrameIndex").asLong() });
			}
		}
		assertThat(saves).hasSize(VIDEOS * CAPTIONS_PER_VIDEO);

		this.broker.stop();
		List<String> statuses = Flux.fromIterable(saves)
			.flatMap((save) -> this.http.put()
				.uri("/api/videos/outage-{v}/captions/{c}/extents", save[0], save[1])
				.bodyValue(Map.of("startFrameIndex", save[2], "endFrameIndex", save[3], "state", "confirmed"))
				.retrieve()
				.bodyToMono(JsonNode.class)
				.map((result) -> result.get("caption").get("captionOcrStatus").asString()), 8)
			.collectList()
			.block(Duration.ofSeconds(120));
		assertThat(statuses).hasSize(saves.size()).containsOnly("queued");
		assertThat(count("select count(*) from outbox where topic = 'caption-ocr-requests'")).isEqualTo(saves.size());

		this.broker.start();
		await().atMost(Duration.ofMinutes(4))
			.pollInterval(Duration.ofSeconds(1))
			.until(() -> count("select count(*) from captions where video_id like 'outage-%'"
					+ " and caption_ocr_status = 'completed'") == saves.size());
		Map<Long, String> texts = new HashMap<>();
		this.gateway.getBean(DatabaseClient.class)
			.sql("select id, caption_ocr from captions where video_id like 'outage-%'")
			.map((row) -> Map.entry(row.get("id", Long.class), row.get("caption_ocr", String.class)))
			.all()
			.doOnNext((entry) -> texts.put(entry.getKey(), entry.getValue()))
			.blockLast(Duration.ofSeconds(10));
		assertThat(texts).isEqualTo(expected);
		assertThat(count("select count(*) from outbox")).isZero();
	}

	private long count(String sql) {
		return this.gateway.getBean(DatabaseClient.class)
			.sql(sql)
			.map((row) -> row.get(0, Number.class))
			.one()
			.block(Duration.ofSeconds(10))
			.longValue();
	}

}
