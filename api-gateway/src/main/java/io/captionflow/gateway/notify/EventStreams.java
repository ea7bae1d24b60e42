package io.captionflow.gateway.notify;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import io.captionflow.gateway.admission.AdmissionProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.stereotype.Component;

/**
 * Opens a client's event stream: what it missed after its last event id, then the live
 * notifications of the {@link NotificationHub}, or the {@code reset} event when it cannot
 * be given what it missed: its id is of another epoch of the log (or a bare number from
 * before epochs), too old, too far behind, or one the log never numbered (that client is
 * reset alone: a made-up id changes nothing for the others). The {@link NotificationTail}
 * decides which, and keeps the seam between the two; what the tail's window no longer
 * holds is read from the log.
 * <p>
 * Replays from the log are bounded: at most {@code admission.replays.max-concurrent} run
 * at once (a client that would need one more is refused before its stream starts), and a
 * client more than {@code admission.replays.max-length} notifications behind gets the
 * {@code reset} event instead of a scan of the log.
 */
@Component
class EventStreams {

	private final NotificationTail tail;

	private final NotificationHub hub;

	private final NotificationReader reader;

	private final NotifyProperties.Notifications settings;

	private final AdmissionProperties.Replays replays;

	/** Replays from the log that may still start now. */
	private final Semaphore replayPermits;

	private final Counter replaysRefused;

	private final Counter replaysReset;

	private final MeterRegistry meters;

	EventStreams(NotificationFeed feed, NotificationHub hub, NotificationReader reader, NotifyProperties properties,
			AdmissionProperties admission, MeterRegistry meters) {
		this.tail = feed.tail();
		this.hub = hub;
		this.reader = reader;
		this.settings = properties.notifications();
		this.replays = admission.replays();
		this.replayPermits = new Semaphore(Math.max(0, this.replays.maxConcurrent()));
		this.replaysRefused = Counter.builder("captionflow.sse.rejected")
			.description("Event streams refused before they started")
			.tag("reason", "replays")
			.register(meters);
		this.meters = meters;
		for (String reason : List.of(SseFrames.OTHER_EPOCH, SseFrames.UNKNOWN_ID, SseFrames.PRUNED,
				SseFrames.TOO_FAR_BEHIND, SseFrames.EPOCH_CHANGED)) {
			NotificationHub.resets(meters, reason);
		}
		this.replaysReset = Counter.builder("captionflow.sse.replays.reset")
			.description("Reconnecting clients sent reset for being more than max-length behind")
			.register(meters);
		Gauge
			.builder("captionflow.sse.replays.active", this,
					(streams) -> streams.replays.maxConcurrent() - streams.replayPermits.availablePermits())
			.description("Replays from the notification log running now")
			.register(meters);
	}

	/**
	 * A client's stream: what it missed after its last event id, then every new
	 * notification, of the given videos or of all.
	 * @param lastEventId the id of the last event the client saw, or null for a new
	 * client
	 * @param videoIds the videos to follow; all when empty
	 * @param client the client's connection
	 * @return the events, without the connect comment; or a {@link ReplaysBusyException}
	 * when the client would be replayed from the log and the most replays allowed are
	 * running
	 */
	Mono<Flux<byte[]>> open(@Nullable EventId lastEventId, Set<String> videoIds, NotificationHub.Client client) {
		if (this.hub.closing()) {
			return Mono.just(Flux.empty());
		}
		if (lastEventId == null) {
			return Mono.just(register(null, 0, videoIds, client));
		}
		long after = lastEventId.number();
		return switch (this.tail.resume(lastEventId)) {
			// of another lineage of the log, or from before epochs: its numbers may have
			// been given to other notifications since
			case OTHER_EPOCH ->
				this.reader.span().map((span) -> reset(lastEventId, span, SseFrames.OTHER_EPOCH, videoIds, client));
			// ahead of this instance (it came from another one) or unknown to the log: an
			// id the log never numbered is reset, that client alone. It is no proof that
			// the log went back (any reader can make one up), so the epoch stays; the
			// sequencers look for that evidence themselves
			case AHEAD -> this.reader.span()
				.map((span) -> NotificationTail.followsOn(after, span) ? register(lastEventId, after, videoIds, client)
						: reset(lastEventId, span, SseFrames.UNKNOWN_ID, videoIds, client));
			case FROM_WINDOW, TOO_FAR_BEHIND -> Mono.just(register(lastEventId, 0, videoIds, client));
			case FROM_LOG -> {
				// refused before the stream starts while every replay is running; the
				// permit itself is taken once the stream runs, so that a client gone
				// before it starts holds none
				if (this.replayPermits.availablePermits() == 0) {
					this.replaysRefused.increment();
					yield Mono.error(new ReplaysBusyException(this.replays.maxConcurrent()));
				}
				yield Mono.just(register(lastEventId, 0, videoIds, client));
			}
		};
	}

	private Flux<byte[]> reset(EventId lastEventId, NotificationReader.Span span, String reason, Set<String> videoIds,
			NotificationHub.Client client) {
		return Flux.defer(() -> {
			NotificationHub.Subscriber subscriber = this.hub.subscriber(videoIds, 0, client);
			NotificationTail.Seam seam = this.tail.join(NotificationEpochs.Epoch.NONE, -1, subscriber::follows,
					(at) -> this.hub.add(subscriber, at));
			NotificationHub.resets(this.meters, reason).increment();
			return Flux.just(SseFrames.reset(new EventId(seam.epoch(), seam.at()), lastEventId, span.oldest(), reason))
				.concatWith(subscriber.live());
		});
	}

	/**
	 * Registers a subscriber that sees what follows its last event id; should the log's
	 * epoch have moved since that id was checked, the client is reset instead.
	 * @param last the client's last event id, of the tail's epoch when checked; null to
	 * replay nothing
	 * @param skipUpTo pass on nothing up to this id
	 * @param videoIds the videos
	 * @param client the client's connection
	 * @return the stream
	 */
	private Flux<byte[]> register(@Nullable EventId last, long skipUpTo, Set<String> videoIds,
			NotificationHub.Client client) {
		return Flux.defer(() -> {
			long replayAfter = (last != null) ? last.number() : -1;
			long epoch = (last != null) ? last.epoch() : NotificationEpochs.Epoch.NONE;
			NotificationHub.Subscriber subscriber = this.hub.subscriber(videoIds, skipUpTo, client);
			NotificationTail.Seam seam = this.tail.join(epoch, replayAfter, subscriber::follows,
					(at) -> this.hub.add(subscriber, at));
			if (seam.moved() && last != null) {
				// the tail moved to another epoch between the check and the join: the
				// client's numbers may have been given to other notifications
				return this.reader.span()
					.flatMapMany((span) -> reset(last, span, SseFrames.EPOCH_CHANGED, videoIds, client));
			}
			long at = seam.at();
			Flux<byte[]> missed;
			if (replayAfter < 0) {
				missed = Flux.empty();
			}
			else if (seam.replay() != null) {
				missed = Flux.fromIterable(seam.replay()).map(NotificationTail.Entry::frame);
			}
			else if (this.tail.tooFarBehind(replayAfter, at)) {
				missed = fromLog(replayAfter, seam, videoIds);
			}
			else {
				ReplayPermit reading = ReplayPermit.take(this.replayPermits);
				if (reading == null) {
					// the replays filled up since the client was admitted: end the
					// stream; it reconnects after the retry delay
					this.hub.remove(subscriber);
					return Flux.empty();
				}
				// read whole (at most max-length notifications) under the permit, then
				// sent as the client reads: a client that does not read holds no permit
				missed = fromLog(replayAfter, seam, videoIds).collectList()
					.doFinally(reading::release)
					.flatMapIterable((events) -> events);
			}
			return subscriber.live(missed);
		});
	}

	/**
	 * What follows an id older than the tail's window, read from the log; a {@code reset}
	 * event when the log no longer has all of it or it is too long. Should the log's
	 * epoch change meanwhile, the tail sends the client a reset after these.
	 */
	private Flux<byte[]> fromLog(long after, NotificationTail.Seam seam, Set<String> videoIds) {
		long upTo = seam.at();
		EventId sent = new EventId(seam.epoch(), after);
		EventId newest = new EventId(seam.epoch(), upTo);
		return this.reader.span().flatMapMany((span) -> switch (this.tail.fromLog(after, upTo, span)) {
			case RESET_PRUNED -> {
				NotificationHub.resets(this.meters, SseFrames.PRUNED).increment();
				yield Flux.just(SseFrames.reset(newest, sent, span.oldest(), SseFrames.PRUNED));
			}
			case RESET_TOO_FAR_BEHIND -> {
				this.replaysReset.increment();
				NotificationHub.resets(this.meters, SseFrames.TOO_FAR_BEHIND).increment();
				yield Flux.just(SseFrames.reset(newest, sent, span.oldest(), SseFrames.TOO_FAR_BEHIND));
			}
			case READ -> {
				int batch = this.settings.batchSize();
				yield this.reader.read(after, upTo, videoIds, batch)
					.collectList()
					.expand((page) -> (page.size() < batch) ? Mono.empty()
							: this.reader.read(page.get(page.size() - 1).id(), upTo, videoIds, batch).collectList())
					.flatMapIterable((page) -> page)
					.map((notification) -> SseFrames.notification(new EventId(seam.epoch(), notification.id()),
							notification));
			}
		});
	}

	/**
	 * A permit to replay from the log, released once however often it is released.
	 */
	private static final class ReplayPermit {

		private final Semaphore permits;

		private final AtomicBoolean released = new AtomicBoolean();

		private ReplayPermit(Semaphore permits) {
			this.permits = permits;
		}

		static @Nullable ReplayPermit take(Semaphore permits) {
			return permits.tryAcquire() ? new ReplayPermit(permits) : null;
		}

		void release(SignalType signal) {
			release();
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				this.permits.release();
			}
		}

	}

	/**
	 * A client that would be replayed from the log while the most replays allowed are
	 * running.
	 */
	static final class ReplaysBusyException extends RuntimeException {

		ReplaysBusyException(int running) {
			super(running + " clients are being replayed from the notification log, the most at once", null, false,
					false);
		}

		@Override
		public String getMessage() {
			return Objects.requireNonNull(super.getMessage());
		}

	}

}
