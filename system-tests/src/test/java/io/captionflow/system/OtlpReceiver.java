package io.captionflow.system;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * Receives the spans applications export over OTLP/HTTP ({@code POST /v1/traces},
 * protobuf), as an OpenTelemetry Collector would, and keeps them for a test to look at.
 */
final class OtlpReceiver implements AutoCloseable {

	private static final int MAX_BODY = 16 * 1024 * 1024;

	private final HttpServer server;

	private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();

	private OtlpReceiver(HttpServer server) {
		this.server = server;
	}

	/**
	 * Starts a receiver on a free loopback port.
	 * @return the running receiver
	 * @throws IOException when it cannot listen
	 */
	static OtlpReceiver start() throws IOException {
		HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		OtlpReceiver receiver = new OtlpReceiver(server);
		server.createContext("/v1/traces", receiver::receive);
		server.setExecutor(Executors.newSingleThreadExecutor());
		server.start();
		return receiver;
	}

	/**
	 * The URL applications export spans to.
	 * @return the traces endpoint
	 */
	String endpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	/**
	 * The spans of a trace received so far.
	 * @param traceId the trace id, 32 hex digits
	 * @return its spans
	 */
	List<ReceivedSpan> trace(String traceId) {
		return this.spans.stream().filter((span) -> span.traceId().equals(traceId)).toList();
	}

	private void receive(HttpExchange exchange) throws IOException {
		try (exchange; InputStream body = exchange.getRequestBody()) {
			byte[] bytes = body.readNBytes(MAX_BODY);
			ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(bytes);
			HexFormat hex = HexFormat.of();
			for (ResourceSpans resource : request.getResourceSpansList()) {
				String service = attribute(resource, "service.name");
				String instance = attribute(resource, "service.instance.id");
				for (ScopeSpans scope : resource.getScopeSpansList()) {
					for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
						this.spans
							.add(new ReceivedSpan(service, instance, hex.formatHex(span.getTraceId().toByteArray()),
									hex.formatHex(span.getSpanId().toByteArray()),
									hex.formatHex(span.getParentSpanId().toByteArray()), span.getName(),
									span.getKind().name().replace("SPAN_KIND_", ""),
									(span.getEndTimeUnixNano() - span.getStartTimeUnixNano()) / 1_000_000,
									span.getStartTimeUnixNano()));
					}
				}
			}
			byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
			exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, response.length);
			exchange.getResponseBody().write(response);
		}
	}

	/**
	 * A trace as a tree, for the record of a run: each span's application (and instance),
	 * kind and name, its start after the first span's and its duration.
	 * @param trace the spans of one trace
	 * @param root the id of the span whose descendants are shown
	 * @return the tree, a span per line
	 */
	static String tree(List<ReceivedSpan> trace, String root) {
		StringBuilder text = new StringBuilder();
		long start = trace.stream().mapToLong(ReceivedSpan::startNanos).min().orElse(0);
		children(trace, root, 1, start, text);
		return text.toString();
	}

	private static void children(List<ReceivedSpan> trace, String parent, int depth, long start, StringBuilder text) {
		trace.stream()
			.filter((span) -> span.parentSpanId().equals(parent))
			.sorted(Comparator.comparingLong(ReceivedSpan::startNanos))
			.forEach((span) -> {
				String who = span.instance().isEmpty() ? span.service() : span.service() + " " + span.instance();
				text.append("  ".repeat(depth))
					.append(String.format("%-22s %-9s %-45s +%5d ms %6d ms%n", who, span.kind(), span.name(),
							(span.startNanos() - start) / 1_000_000, span.millis()));
				children(trace, span.spanId(), depth + 1, start, text);
			});
	}

	private static String attribute(ResourceSpans resource, String key) {
		return resource.getResource()
			.getAttributesList()
			.stream()
			.filter((attribute) -> attribute.getKey().equals(key))
			.map((attribute) -> attribute.getValue().getStringValue())
			.findFirst()
			.orElse("");
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * A span as received.
	 *
	 * @param service the exporting application's {@code service.name}
	 * @param instance its {@code service.instance.id}, empty when it has none
	 * @param traceId the trace id
	 * @param spanId the span id
	 * @param parentSpanId the parent's id, empty for a root
	 * @param name the span's name
	 * @param kind SERVER, CLIENT, PRODUCER, CONSUMER or INTERNAL
	 * @param millis its duration
	 * @param startNanos its start, in nanoseconds since the epoch
	 */
	record ReceivedSpan(String service, String instance, String traceId, String spanId, String parentSpanId,
			String name, String kind, long millis, long startNanos) {
	}

}
