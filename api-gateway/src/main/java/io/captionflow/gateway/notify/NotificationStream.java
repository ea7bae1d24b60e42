package io.captionflow.gateway.notify;

import java.util.concurrent.atomic.AtomicInteger;

import io.captionflow.events.VideoNotification;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * The live notifications of this gateway instance. Every instance consumes the
 * video-notifications topic in a consumer group of its own, so each sees every
 * notification, whichever instance appended it.
 */
@Component
public class NotificationStream {

	private final Sinks.Many<VideoNotification> sink = Sinks.many().multicast().directBestEffort();

	private final AtomicInteger clients = new AtomicInteger();

	@KafkaListener(id = "video-notifications", topics = "#{T(io.captionflow.events.Topics).VIDEO_NOTIFICATIONS.name()}",
			groupId = "#{'gateway-sse-' + T(java.util.UUID).randomUUID()}",
			// a group of this instance's own, read from now on: its offsets matter to no
			// one, so
			// the client commits them now and then instead of the container after every
			// record
			properties = { "auto.offset.reset=latest", "enable.auto.commit=true" })
	void onNotification(VideoNotification notification) {
		// one listener thread emits, so emissions never overlap
		this.sink.tryEmitNext(notification);
	}

	/**
	 * Live notifications from now on; a subscriber too slow to keep up misses them rather
	 * than slowing the others.
	 * @return the live notifications
	 */
	Flux<VideoNotification> live() {
		return this.sink.asFlux();
	}

	/**
	 * The number of SSE clients connected to this instance.
	 * @return live connections
	 */
	public int connectedClients() {
		return this.clients.get();
	}

	void clientConnected() {
		this.clients.incrementAndGet();
	}

	void clientDisconnected() {
		this.clients.decrementAndGet();
	}

}
