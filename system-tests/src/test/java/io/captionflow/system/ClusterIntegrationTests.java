package io.captionflow.system;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code make cluster} as its users start it: {@code infra/bin/cluster.sh} run as a
 * process, with three brokers, PostgreSQL, two gateways behind nginx and three workers. A
 * save through the balancer reaches {@code completed} and a stream on each gateway
 * receives it; then one broker and one gateway are killed with SIGKILL (and not
 * restarted), and the next saves, still through the balancer, complete and stream. Every
 * process exports its spans to a receiver: the first save's trace, named by its records,
 * runs through a gateway, a worker and back, and on to both gateways.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIntegrationTests {

	private static final Duration START = Duration.ofMinutes(6);

	private static final Duration WAIT = Duration.ofMinutes(2);

	@TempDir
	static Path workDir;

	private Process cluster;

	private Path output;

	private Path pids;

	private int balancer;

	private int gatewayBase;

	private final List<Disposable> streams = new ArrayList<>();

	private OtlpReceiver receiver;

	@BeforeAll
	void startCluster() throws IOException {
		this.receiver = OtlpReceiver.start();
		Path top = Path.of("..").toAbsolutePath().normalize();
		this.balancer = freePorts(1);
		this.gatewayBase = freePorts(2);
		Map<String, String> env = new HashMap<>();
		env.put("CLUSTER_DIR", workDir.resolve("cluster").toString());
		env.put("CLUSTER_PORT", Integer.toString(this.balancer));
		env.put("GATEWAY_BASE_PORT", Integer.toString(this.gatewayBase));
		env.put("WORKER_BASE_PORT", Integer.toString(freePorts(3)));
		env.put("BROKER_BASE_PORT", Integer.toString(freePorts(3)));
		env.put("CONTROLLER_BASE_PORT", Integer.toString(freePorts(3)));
		env.put("CAPTIONFLOW_RESTART", "no");
		env.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT", this.receiver.endpoint());
		env.put("MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULEDELAY", "200ms");
		// a database of its own, which infra/bin/postgres.sh drops on its next run
		env.put("CLUSTER_DATABASE", "captionflow_test_cluster_" + UUID.randomUUID().toString().replace("-", ""));
		this.pids = workDir.resolve("cluster/pids");
		this.output = workDir.resolve("cluster.out");
		ProcessBuilder builder = new ProcessBuilder("bash", top.resolve("infra/bin/cluster.sh").toString())
			.directory(top.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.output.toFile());
		builder.environment().putAll(env);
		this.cluster = builder.start();
		await("the cluster ready (see " + this.output + ")").atMost(START)
			.pollInterval(Duration.ofMillis(500))
			.until(() -> {
				assertThat(this.cluster.isAlive()).as("cluster.sh runs: %s", output()).isTrue();
				return output().contains("CaptionFlow cluster is ready");
			});
	}

	@AfterAll
	void stopCluster() throws InterruptedException {
		this.streams.forEach(Disposable::dispose);
		if (this.receiver != null) {
			this.receiver.close();
		}
		if (this.cluster == null) {
			return;
		}
		List<ProcessHandle> descendants = this.cluster.descendants().toList();
		// SIGTERM: the script stops the applications, then the brokers and the balancer
		this.cluster.destroy();
		if (!this.cluster.waitFor(2, TimeUnit.MINUTES)) {
			this.cluster.destroyForcibly();
		}
		descendants.forEach(ProcessHandle::destroyForcibly);
	}

	@Test
	void savesThroughTheBalancerCompleteAndStreamFromEveryGatewayAndSurviveABrokerAndAGatewayKilled()
			throws IOException {
		WebClient api = WebClient.create("http://localhost:" + this.balancer);
		List<Map<String, Object>> captions = captions(api);
		assertThat(captions).hasSizeGreaterThanOrEqualTo(2);
		List<Map<String, Object>> onFirst = stream(this.gatewayBase);
		List<Map<String, Object>> onSecond = stream(this.gatewayBase + 1);

		long first = id(captions.get(0));
		save(api, captions.get(0));
		awaitCompleted(api, first);
		for (List<Map<String, Object>> stream : List.of(onFirst, onSecond)) {
			await().atMost(WAIT).until(() -> completes(stream, first));
		}
		assertTheSaveIsOneTraceAcrossTheProcesses(onFirst, first);

		kill("broker-1");
		kill("gateway-1");
		long second = id(captions.get(1));
		save(api, captions.get(1));
		awaitCompleted(api, second);
		await().atMost(WAIT).until(() -> completes(onSecond, second));
		assertThat(output()).contains("broker-1 exited").contains("gateway-1 exited");
	}

	/**
	 * The records of a save name its trace; in it, the gateway that took the request
	 * sends it, a worker receives it and reports back, a gateway receives the reports,
	 * and both gateways receive the notifications' hints.
	 */
	private void assertTheSaveIsOneTraceAcrossTheProcesses(List<Map<String, Object>> stream, long captionId) {
		List<Object> traceIds = stream.stream()
			.filter((notification) -> notification.get("captionId") instanceof Number id && id.longValue() == captionId)
			.map((notification) -> notification.get("traceId"))
			.distinct()
			.toList();
		assertThat(traceIds).as("the trace ids of the save's records").hasSize(1).doesNotContainNull();
		String traceId = (String) traceIds.get(0);
		await().atMost(WAIT).untilAsserted(() -> {
			List<OtlpReceiver.ReceivedSpan> trace = this.receiver.trace(traceId);
			assertThat(trace).as("the save's trace %s", trace)
				.anySatisfy((span) -> assertSpan(span, "api-gateway", "SERVER", "http put"))
				.anySatisfy((span) -> assertSpan(span, "api-gateway", "PRODUCER", "caption-ocr-requests send"))
				.anySatisfy((span) -> assertSpan(span, "ocr-worker", "CONSUMER", "caption-ocr-requests process"))
				.anySatisfy((span) -> assertSpan(span, "ocr-worker", "PRODUCER", "flow-events send"))
				.anySatisfy((span) -> assertSpan(span, "api-gateway", "CONSUMER", "flow-events process"));
			// each a child of a span of another process
			for (OtlpReceiver.ReceivedSpan received : trace.stream()
				.filter((span) -> span.kind().equals("CONSUMER"))
				.toList()) {
				assertThat(trace).filteredOn((span) -> span.spanId().equals(received.parentSpanId()))
					.singleElement()
					.satisfies((sent) -> assertThat(sent.kind()).isEqualTo("PRODUCER"));
			}
			assertThat(trace).filteredOn((span) -> span.name().equals("video-notifications process"))
				.extracting(OtlpReceiver.ReceivedSpan::instance)
				.contains("gateway-1", "gateway-2");
			// one worker ran it
			assertThat(trace.stream()
				.filter((span) -> span.service().equals("ocr-worker"))
				.map(OtlpReceiver.ReceivedSpan::instance)
				.distinct()).singleElement().asString().startsWith("worker-");
		});
		List<OtlpReceiver.ReceivedSpan> trace = this.receiver.trace(traceId);
		String root = trace.stream()
			.filter((span) -> trace.stream().noneMatch((parent) -> parent.spanId().equals(span.parentSpanId())))
			.map(OtlpReceiver.ReceivedSpan::parentSpanId)
			.findFirst()
			.orElse("");
		System.out
			.print("The trace of a save through the balancer (" + traceId + "):\n" + OtlpReceiver.tree(trace, root));
	}

	private static void assertSpan(OtlpReceiver.ReceivedSpan span, String service, String kind, String name) {
		assertThat(span.service()).isEqualTo(service);
		assertThat(span.kind()).isEqualTo(kind);
		assertThat(span.name()).startsWith(name);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> captions(WebClient api) {
		Map<String, Object> page = api.get()
			.uri("/api/videos/demo/captions")
			.retrieve()
			.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
			})
			.block(Duration.ofSeconds(30));
		assertThat(page).isNotNull();
		return (List<Map<String, Object>>) page.get("content");
	}

	private static long id(Map<String, Object> caption) {
		return ((Number) caption.get("id")).longValue();
	}

	private static void save(WebClient api, Map<String, Object> caption) {
		api.put()
			.uri("/api/videos/demo/captions/{id}/extents", id(caption))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("startFrameIndex", caption.get("startFrameIndex"), "endFrameIndex",
					caption.get("endFrameIndex"), "state", "confirmed"))
			.retrieve()
			.toBodilessEntity()
			.block(Duration.ofSeconds(30));
	}

	private static void awaitCompleted(WebClient api, long captionId) {
		await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
			Map<String, Object> caption = api.get()
				.uri("/api/videos/demo/captions/{id}", captionId)
				.retrieve()
				.bodyToMono(new ParameterizedTypeReference<Map<String, Object>>() {
				})
				.block(Duration.ofSeconds(10));
			return caption != null && "completed".equals(caption.get("captionOcrStatus"));
		});
	}

	/** The notifications a browser-like client on one gateway receives. */
	private List<Map<String, Object>> stream(int port) {
		List<Map<String, Object>> received = new CopyOnWriteArrayList<>();
		this.streams.add(WebClient.create("http://localhost:" + port)
			.get()
			.uri("/api/events/video-stats?videoId=demo")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<Map<String, Object>>>() {
			})
			.filter((event) -> "video-stats-updated".equals(event.event()) && event.data() != null)
			.subscribe((event) -> received.add(event.data()), (ex) -> {
				// the gateway was killed: its clients' streams end
			}));
		return received;
	}

	private static boolean completes(List<Map<String, Object>> stream, long captionId) {
		return stream.stream()
			.anyMatch((notification) -> notification.get("captionId") instanceof Number id
					&& id.longValue() == captionId && "complete".equals(notification.get("status")));
	}

	private void kill(String name) throws IOException {
		long pid = Long.parseLong(Files.readString(this.pids.resolve(name + ".pid")).strip());
		ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
		process.destroyForcibly();
		await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
	}

	private String output() throws IOException {
		return Files.readString(this.output);
	}

	/**
	 * The first of {@code count} consecutive ports free on loopback now.
	 */
	private static int freePorts(int count) throws IOException {
		for (int attempt = 0; attempt < 100; attempt++) {
			int first;
			try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				first = socket.getLocalPort();
			}
			if (first + count > 65535) {
				continue;
			}
			boolean free = true;
			for (int port = first + 1; port < first + count && free; port++) {
				try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
					free = socket.isBound();
				}
				catch (IOException ex) {
					free = false;
				}
			}
			if (free) {
				return first;
			}
		}
		throw new IOException("no " + count + " consecutive free ports");
	}

}
