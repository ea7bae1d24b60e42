package io.captionflow.system;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.imageio.ImageIO;

import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A caption saved through the API comes back, over the SSE stream, as OCR text equal to
 * what is burned into the video: a real Kafka broker, the gateway and the worker, real
 * FFmpeg and Tesseract. Subclasses say which broker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EndToEndScenario {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path workDir;

	ConfigurableApplicationContext gateway;

	ConfigurableApplicationContext worker;

	VideoManifest manifest;

	WebClient http;

	/**
	 * Starts the broker.
	 * @return its bootstrap servers
	 */
	abstract String startBroker();

	/**
	 * Stops the broker.
	 */
	abstract void stopBroker();

	@BeforeAll
	void startSystem() throws Exception {
		Path media = workDir.resolve("media");
		this.manifest = new DemoVideo(DemoVideo.Spec.shortClip()).render(media, "clip", "clips/clip.mp4");
		String brokers = startBroker();
		this.gateway = SystemApplications.gateway(workDir, 0, brokers);
		this.worker = SystemApplications.worker(workDir, brokers);
		this.http = SystemApplications.http(this.gateway);
	}

	@AfterAll
	void stopSystem() {
		SystemApplications.close(this.worker, this.gateway);
		stopBroker();
	}

	@Test
	void savedCaptionIsQueuedAtOnceThenCompletesOverSseWithTheBurnedInText() throws Exception {
		List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
		Disposable subscription = this.http.get()
			.uri("/api/events/video-stats?videoId={id}", this.manifest.id())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe(events::add);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
			assertThat(events.get(0).comment()).isEqualTo("connected");

			JsonNode captions = getJson("/api/videos/{id}/captions", this.manifest.id()).get("content");
			assertThat(captions.size()).isEqualTo(this.manifest.captions().size());
			VideoManifest.PredictedCaption burnedIn = this.manifest.captions().get(1);
			long captionId = captions.get(1).get("id").asLong();

			JsonNode saved = this.http.put()
				.uri("/api/videos/{id}/captions/{cid}/extents", this.manifest.id(), captionId)
				.bodyValue(Map.of("startFrameIndex", burnedIn.startFrameIndex(), "endFrameIndex",
						burnedIn.endFrameIndex(), "state", "confirmed"))
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(Duration.ofSeconds(10));
			assertThat(saved.get("caption").get("captionOcrStatus").asString()).isEqualTo("queued");
			assertThat(saved.get("caption").get("captionOcr").isNull()).isTrue();
			assertThat(saved.get("caption").get("revision").asLong()).isEqualTo(1);
			assertThat(saved.get("deleted")).isEmpty();

			await().atMost(Duration.ofSeconds(60)).until(() -> statusesOf(events, captionId).contains("complete"));
			assertThat(statusesOf(events, captionId)).containsExactly("queued", "started", "complete");
			assertThat(events.stream().filter((event) -> event.event() != null).map(ServerSentEvent::id))
				// <epoch>-<number>
				.allSatisfy((id) -> assertThat(id).matches("\\d+-\\d+"));

			JsonNode caption = getJson("/api/videos/{id}/captions/{cid}", this.manifest.id(), captionId);
			assertThat(caption.get("captionOcrStatus").asString()).isEqualTo("completed");
			assertThat(caption.get("captionOcr").asString()).isEqualTo(burnedIn.text());
			assertThat(caption.get("imageNeedsRegen").asBoolean()).isFalse();
			assertThat(Files.exists(workDir.resolve("media/clips/clip.mp4.captionflow/caption-" + captionId + ".png")))
				.isTrue();
			byte[] image = this.http.get()
				.uri("/api/videos/{id}/captions/{cid}/image", this.manifest.id(), captionId)
				.retrieve()
				.bodyToMono(byte[].class)
				.block(Duration.ofSeconds(10));
			// the median image the worker made, served by the gateway: a PNG of the crop
			// box
			assertThat(image).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
			assertThat(ImageIO.read(new ByteArrayInputStream(image)).getWidth())
				.isEqualTo(this.manifest.crop().width());

			JsonNode stats = getJson("/api/videos/{id}/stats", this.manifest.id());
			assertThat(stats.get("ocr").get("completed").asLong()).isEqualTo(1);
			assertThat(stats.get("confirmed").asLong()).isEqualTo(1);
			assertThat(stats.get("processing").asBoolean()).isFalse();
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void saveBeyondTheLastFrameIsRefusedAndChangesNothing() {
		JsonNode captions = getJson("/api/videos/{id}/captions", this.manifest.id()).get("content");
		long captionId = captions.get(0).get("id").asLong();
		String problem = this.http.put()
			.uri("/api/videos/{id}/captions/{cid}/extents", this.manifest.id(), captionId)
			.bodyValue(Map.of("startFrameIndex", 90, "endFrameIndex", 100, "state", "confirmed"))
			.exchangeToMono((response) -> {
				assertThat(response.statusCode().value()).isEqualTo(400);
				return response.bodyToMono(String.class);
			})
			.block(Duration.ofSeconds(10));
		assertThat(problem).contains("endFrameIndex").contains("beyond the last frame of the video (99)");
		JsonNode caption = getJson("/api/videos/{id}/captions/{cid}", this.manifest.id(), captionId);
		assertThat(caption.get("revision").asLong()).isZero();
		assertThat(caption.get("captionOcrStatus").asString()).isEqualTo("idle");
	}

	private List<String> statusesOf(List<ServerSentEvent<String>> events, long captionId) {
		return events.stream()
			.filter((event) -> "video-stats-updated".equals(event.event()))
			.map((event) -> json.readTree(event.data()))
			.filter((data) -> data.get("captionId").asLong() == captionId)
			.map((data) -> data.get("status").asString())
			.toList();
	}

	private JsonNode getJson(String uri, Object... variables) {
		return this.http.get().uri(uri, variables).retrieve().bodyToMono(JsonNode.class).block(Duration.ofSeconds(10));
	}

}
