package io.captionflow.gateway.notify;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.GatewayProperties;
import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Server-Sent Events stream browsers listen on: one {@code video-stats-updated} event
 * per notification, its id the notification id, a comment at once on connect (WebFlux
 * sends no headers before the first element) and a heartbeat comment to keep proxies from
 * closing it.
 */
@RestController
class VideoStatsEvents {

	static final String EVENT_NAME = "video-stats-updated";

	private final NotificationStream stream;

	private final GatewayProperties.Sse settings;

	VideoStatsEvents(NotificationStream stream, GatewayProperties properties) {
		this.stream = stream;
		this.settings = properties.sse();
	}

	@GetMapping(path = "/api/events/video-stats", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<VideoNotification>> videoStats(
			@RequestParam(name = "videoId", required = false) List<String> videoIds, ServerHttpResponse response) {
		response.getHeaders().setCacheControl("no-cache");
		response.getHeaders().set("X-Accel-Buffering", "no");
		Set<String> wanted = (videoIds != null) ? Set.copyOf(videoIds) : Set.of();
		Flux<ServerSentEvent<VideoNotification>> hello = Flux.just(
				ServerSentEvent.<VideoNotification>builder().comment("connected").retry(this.settings.retry()).build());
		Flux<ServerSentEvent<VideoNotification>> live = this.stream.live()
			.filter((notification) -> wanted.isEmpty() || wanted.contains(notification.videoId()))
			.map((notification) -> ServerSentEvent.builder(notification)
				.id(Long.toString(notification.id()))
				.event(EVENT_NAME)
				.build());
		Flux<ServerSentEvent<VideoNotification>> heartbeat = Flux.interval(this.settings.heartbeat())
			.map((tick) -> ServerSentEvent.<VideoNotification>builder().comment("heartbeat").build());
		return hello.concatWith(Flux.merge(live, heartbeat))
			.doOnSubscribe((subscription) -> this.stream.clientConnected())
			.doFinally((signal) -> this.stream.clientDisconnected());
	}

	@GetMapping("/api/events/clients")
	Map<String, Integer> clients() {
		return Map.of("clients", this.stream.connectedClients());
	}

}
