package io.captionflow.gateway.admission;

import java.time.Duration;

import io.captionflow.gateway.web.Refusal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admits an event stream only while its client address holds fewer than
 * {@code streams.max-per-address} streams (else 429) and the instance fewer than
 * {@code streams.max-total} (else 503), before the stream starts. The slot is held until
 * the exchange ends, however it ends: the client gone, the stream completed, an error, a
 * slow client cut off, the application closing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 6)
class StreamAdmission implements WebFilter {

	static final String PATH = "/api/events/video-stats";

	private static final Logger logger = LoggerFactory.getLogger(StreamAdmission.class);

	private final StreamSlots slots;

	private final Duration retryAfter;

	private final Counter perAddress;

	private final Counter total;

	StreamAdmission(AdmissionProperties properties, MeterRegistry meters) {
		AdmissionProperties.Streams streams = properties.streams();
		long openFiles = OpenFiles.limit();
		this.slots = new StreamSlots(streams.maxTotal(openFiles), streams.maxPerAddress());
		this.retryAfter = streams.retryAfter();
		this.perAddress = rejected(meters, "per-address");
		this.total = rejected(meters, "total");
		Gauge.builder("captionflow.sse.streams", this.slots, StreamSlots::held)
			.description("Event streams held")
			.register(meters);
		Gauge.builder("captionflow.sse.streams.max", this.slots, StreamSlots::maxTotal)
			.description("The most event streams held at once")
			.register(meters);
		logger.info("Event streams: at most {} in total ({}), {} per client address", this.slots.maxTotal(),
				(streams.maxTotal() != null) ? "configured" : (openFiles > 0)
						? "open-file limit " + openFiles + " less " + streams.fileReserve() : "open-file limit unknown",
				this.slots.maxPerAddress());
	}

	static Counter rejected(MeterRegistry meters, String reason) {
		return Counter.builder("captionflow.sse.rejected")
			.description("Event streams refused before they started")
			.tag("reason", reason)
			.register(meters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		// HEAD too: its handler is the stream's, run to the end to count the bytes
		if (!(HttpMethod.GET.equals(request.getMethod()) || HttpMethod.HEAD.equals(request.getMethod()))
				|| !PATH.equals(RequestPaths.decoded(request))) {
			return chain.filter(exchange);
		}
		String address = ClientAddress.of(request.getRemoteAddress());
		return switch (this.slots.acquire(address)) {
			case StreamSlots.Slot slot -> chain.filter(exchange).doFinally((signal) -> slot.release());
			case StreamSlots.Refused(StreamSlots.Limit limit) when limit == StreamSlots.Limit.PER_ADDRESS -> {
				this.perAddress.increment();
				yield new Refusal(
						HttpStatus.TOO_MANY_REQUESTS, "Too many event streams", "this address holds "
								+ this.slots.maxPerAddress() + " event streams, the most one address may hold",
						this.retryAfter)
					.write(exchange);
			}
			case StreamSlots.Refused refused -> {
				this.total.increment();
				yield new Refusal(HttpStatus.SERVICE_UNAVAILABLE, "Too many event streams",
						"this instance holds " + this.slots.maxTotal() + " event streams, the most it holds",
						this.retryAfter)
					.write(exchange);
			}
		};
	}

}
