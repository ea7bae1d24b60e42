package io.captionflow.gateway.notify;

import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

import io.captionflow.gateway.admission.AdmissionProperties;
import io.captionflow.gateway.web.InvalidRequestException;
import io.captionflow.gateway.web.Refusal;
import io.netty.channel.ChannelOption;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

/**
 * The Server-Sent Events stream browsers listen on: one {@code video-stats-updated} event
 * per notification, its id {@code <epoch>-<number>} (see {@link EventId}), its data the
 * notification as JSON. A comment goes out at once on connect (no headers go out before
 * the first bytes), with the {@code retry:} delay; a heartbeat comment keeps proxies from
 * closing an idle stream. A client that sends {@code Last-Event-ID} (or
 * {@code lastEventId}, for clients that cannot set headers) first gets every notification
 * after that id, then the live ones, or a {@code reset} event when the id is of another
 * epoch (or a bare number from before epochs), the log no longer holds them, or they are
 * more than {@code admission.replays.max-length}; a client that would be replayed from
 * the log while {@code admission.replays.max-concurrent} replays run is refused with 503
 * and {@code Retry-After}.
 */
@RestController
class VideoStatsEvents {

	private final EventStreams streams;

	private final NotificationHub hub;

	private final NotifyProperties.Sse settings;

	private final AdmissionProperties.Replays replays;

	VideoStatsEvents(EventStreams streams, NotificationHub hub, NotifyProperties properties,
			AdmissionProperties admission) {
		this.streams = streams;
		this.hub = hub;
		this.settings = properties.sse();
		this.replays = admission.replays();
	}

	@GetMapping(path = "/api/events/video-stats", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Mono<Void> videoStats(@RequestParam(name = "videoId", required = false) @Nullable List<String> videoIds,
			@RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventIdHeader,
			@RequestParam(name = "lastEventId", required = false) @Nullable String lastEventIdParam,
			ServerWebExchange exchange) {
		EventId lastEventId = lastEventId((lastEventIdHeader != null) ? lastEventIdHeader : lastEventIdParam,
				(lastEventIdHeader != null) ? "Last-Event-ID" : "lastEventId");
		ServerHttpResponse response = exchange.getResponse();
		Set<String> wanted = (videoIds != null) ? Set.copyOf(videoIds) : Set.of();
		byte[] hello = SseFrames.connected(this.settings.retry());
		DataBufferFactory buffers = response.bufferFactory();
		return this.streams.open(lastEventId, wanted, client(response, this.settings.sendBuffer()))
			.flatMap((events) -> {
				response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
				response.getHeaders().setCacheControl("no-cache");
				response.getHeaders().set("X-Accel-Buffering", "no");
				// the frames are encoded once per notification, not once per client: each
				// client's buffer wraps the same bytes
				return response.writeWith(Flux.just(hello).concatWith(events).map(buffers::wrap));
			})
			.onErrorResume(EventStreams.ReplaysBusyException.class, (ex) -> new Refusal(HttpStatus.SERVICE_UNAVAILABLE,
					"Too many replays", ex.getMessage(), this.replays.retryAfter())
				.write(exchange));
	}

	@GetMapping("/api/events/clients")
	Clients clients() {
		return new Clients(this.hub.connectedClients());
	}

	/**
	 * The client's connection: on Reactor Netty, its event loop, which the hub hands
	 * notifications to, and a way to close it. Its socket's send buffer is bounded, so
	 * that a client that stops reading fills its buffer in the hub soon and is cut off.
	 */
	private static NotificationHub.Client client(ServerHttpResponse response, DataSize sendBuffer) {
		if (response instanceof AbstractServerHttpResponse server
				&& server.getNativeResponse() instanceof HttpServerResponse netty) {
			Executor[] loop = new Executor[1];
			netty.withConnection((connection) -> {
				loop[0] = connection.channel().eventLoop();
				if (sendBuffer.toBytes() > 0) {
					// an HTTP/2 stream has no socket of its own: the option is ignored
					// there
					connection.channel().config().setOption(ChannelOption.SO_SNDBUF, (int) sendBuffer.toBytes());
				}
			});
			if (loop[0] != null) {
				return new NotificationHub.Client(loop[0], () -> netty.withConnection(Connection::dispose));
			}
		}
		return NotificationHub.Client.ANY_THREAD;
	}

	private static @Nullable EventId lastEventId(@Nullable String value, String field) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return EventId.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidRequestException(field,
					"must be an event id of this stream (<epoch>-<number>, as the stream sent it)");
		}
	}

	/**
	 * The live SSE connections of this instance.
	 *
	 * @param clients their number
	 */
	record Clients(int clients) {
	}

}
