package io.captionflow.system;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

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
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A save's trace runs gateway → Kafka → worker → Kafka → gateway, and on to the other
 * gateways with each of its notifications, and the records the browser receives name it:
 * the gateway and the worker export their spans over OTLP to a receiver, and the save
 * comes with the {@code traceparent} of a caller's span, as from a traced front end or
 * proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TraceIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	static Path workDir;

	private EmbeddedKafkaBroker broker;

	private OtlpReceiver receiver;

	private ConfigurableApplicationContext gateway;

	private ConfigurableApplicationContext worker;

	private VideoManifest manifest;

	private WebClient http;

	@BeforeAll
	void startSystem() throws Exception {
		this.manifest = new DemoVideo(DemoVideo.Spec.shortClip()).render(workDir.resolve("media"), "clip",
				"clips/clip.mp4");
		this.broker = new EmbeddedKafkaKraftBroker(1, 6);
		this.broker.afterPropertiesSet();
		this.receiver = OtlpReceiver.start();
		String[] export = { "--management.opentelemetry.tracing.export.otlp.endpoint=" + this.receiver.endpoint(),
				"--management.opentelemetry.tracing.export.schedule-delay=200ms" };
		this.gateway = SystemApplications.gateway(workDir, 0, this.broker.getBrokersAsString(), export);
		this.worker = SystemApplications.worker(workDir, this.broker.getBrokersAsString(), export);
		this.http = SystemApplications.http(this.gateway);
	}

	@AfterAll
	void stopSystem() {
		SystemApplications.close(this.worker, this.gateway);
		if (this.receiver != null) {
			this.receiver.close();
		}
		if (this.broker != null) {
			this.broker.destroy();
		}
	}

	@Test
	void aSavesTraceRunsThroughTheWorkerAndBackAndItsNotificationsNameIt() {
		List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();
		Disposable stream = this.http.get()
			.uri("/api/events/video-stats?videoId={id}", this.manifest.id())
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe(events::add);
		try {
			await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
			JsonNode captions = getJson("/api/videos/{id}/captions", this.manifest.id()).get("content");
			long captionId = captions.get(1).get("id").asLong();
			VideoManifest.PredictedCaption burnedIn = this.manifest.captions().get(1);
			HexFormat hex = HexFormat.of();
			SecureRandom random = new SecureRandom();
			byte[] ids = new byte[24];
			random.nextBytes(ids);
			String traceId = hex.formatHex(ids, 0, 16);
			String callerSpan = hex.formatHex(ids, 16, 24);

			this.http.put()
				.uri("/api/videos/{id}/captions/{cid}/extents", this.manifest.id(), captionId)
				.header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
				.bodyValue(Map.of("startFrameIndex", burnedIn.startFrameIndex(), "endFrameIndex",
						burnedIn.endFrameIndex(), "state", "confirmed"))
				.retrieve()
				.toBodilessEntity()
				.block(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(60)).until(() -> notifications(events, captionId).size() == 3);

			// every record the browser got for the save names its trace
			assertThat(notifications(events, captionId)).extracting((data) -> data.get("status").asString())
				.containsExactly("queued", "started", "complete");
			assertThat(notifications(events, captionId)).extracting((data) -> data.get("traceId").asString())
				.containsOnly(traceId);

			// gateway (HTTP, outbox, send) -> worker (receive, phases, sends) -> gateway
			// (receive), each span the child of the one before
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				List<OtlpReceiver.ReceivedSpan> trace = this.receiver.trace(traceId);
				OtlpReceiver.ReceivedSpan request = one(trace, (span) -> span.service().equals("api-gateway")
						&& span.kind().equals("SERVER") && span.parentSpanId().equals(callerSpan));
				// within the request's span, below those of its filters
				OtlpReceiver.ReceivedSpan outbox = one(trace,
						(span) -> span.name().equals("outbox caption-ocr-requests")
								&& descends(trace, span, request.spanId()));
				OtlpReceiver.ReceivedSpan sent = one(trace,
						(span) -> span.kind().equals("PRODUCER") && span.parentSpanId().equals(outbox.spanId()));
				OtlpReceiver.ReceivedSpan received = one(trace, (span) -> span.service().equals("ocr-worker")
						&& span.kind().equals("CONSUMER") && span.parentSpanId().equals(sent.spanId()));
				for (String phase : List.of("decode", "median", "ocr")) {
					one(trace, (span) -> span.service().equals("ocr-worker") && span.name().equals(phase)
							&& span.parentSpanId().equals(received.spanId()));
				}
				List<OtlpReceiver.ReceivedSpan> reported = trace.stream()
					.filter((span) -> span.service().equals("ocr-worker") && span.kind().equals("PRODUCER")
							&& span.parentSpanId().equals(received.spanId()))
					.toList();
				// started and completed (progress is reported from within decode)
				assertThat(reported).hasSize(2);
				for (OtlpReceiver.ReceivedSpan report : reported) {
					one(trace, (span) -> span.service().equals("api-gateway") && span.kind().equals("CONSUMER")
							&& span.parentSpanId().equals(report.spanId()));
				}
				// each of the three notifications is handed to the other instances in it
				assertThat(trace).filteredOn((span) -> span.name().equals("outbox video-notifications"))
					.hasSize(3)
					.allSatisfy((hint) -> one(trace,
							(span) -> span.kind().equals("PRODUCER") && span.parentSpanId().equals(hint.spanId())));
			});
			System.out.print("The save's trace:\n" + OtlpReceiver.tree(this.receiver.trace(traceId), callerSpan));
			events.stream()
				.filter((event) -> "video-stats-updated".equals(event.event()))
				.forEach((event) -> System.out.printf("id:%s%nevent:%s%ndata:%s%n%n", event.id(), event.event(),
						event.data()));
		}
		finally {
			stream.dispose();
		}
	}

	private static OtlpReceiver.ReceivedSpan one(List<OtlpReceiver.ReceivedSpan> trace,
			Predicate<OtlpReceiver.ReceivedSpan> which) {
		List<OtlpReceiver.ReceivedSpan> matching = trace.stream().filter(which).toList();
		assertThat(matching).as("spans of the trace %s", trace).hasSize(1);
		return matching.get(0);
	}

	private static boolean descends(List<OtlpReceiver.ReceivedSpan> trace, OtlpReceiver.ReceivedSpan span,
			String ancestor) {
		Optional<OtlpReceiver.ReceivedSpan> parent = Optional.of(span);
		while (parent.isPresent()) {
			String parentId = parent.get().parentSpanId();
			if (parentId.equals(ancestor)) {
				return true;
			}
			parent = trace.stream().filter((candidate) -> candidate.spanId().equals(parentId)).findFirst();
		}
		return false;
	}

	private List<JsonNode> notifications(List<ServerSentEvent<String>> events, long captionId) {
		return events.stream()
			.filter((event) -> "video-stats-updated".equals(event.event()))
			.map((event) -> json.readTree(event.data()))
			.filter((data) -> data.get("captionId").asLong() == captionId)
			.toList();
	}

	private JsonNode getJson(String uri, Object... variables) {
		return this.http.get().uri(uri, variables).retrieve().bodyToMono(JsonNode.class).block(Duration.ofSeconds(10));
	}

}
