package io.captionflow.gateway.caption;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.Topics;
import io.captionflow.events.VideoNotification;
import io.captionflow.gateway.GatewayProperties;
import io.captionflow.gateway.notify.NotificationLog;
import io.captionflow.gateway.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Finds captions whose OCR was lost (queued or processing with no news for
 * {@code captionflow.gateway.sweep.stuck-after}: a request dead-lettered before the
 * gateway heard of it, a worker that vanished mid-caption, a topic deleted) and queues
 * them again under a new revision, so that a late result of the lost request cannot
 * overwrite the new one; after {@code max-attempts} requests since the annotator's save
 * the caption ends in {@code error}, with the reason. Every gateway instance may sweep:
 * each change is guarded by the caption's revision, so only one of them wins.
 */
@Component
class StuckCaptionSweep implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(StuckCaptionSweep.class);

	private static final int BATCH = 100;

	private final CaptionStore captions;

	private final Outbox outbox;

	private final NotificationLog notifications;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final GatewayProperties.Sweep settings;

	private volatile Disposable schedule;

	StuckCaptionSweep(CaptionStore captions, Outbox outbox, NotificationLog notifications,
			TransactionalOperator transaction, Clock clock, GatewayProperties properties) {
		this.captions = captions;
		this.outbox = outbox;
		this.notifications = notifications;
		this.transaction = transaction;
		this.clock = clock;
		this.settings = properties.sweep();
	}

	/**
	 * Runs one sweep.
	 * @return the number of captions queued again or ended
	 */
	Mono<Long> sweep() {
		Instant now = this.clock.instant();
		return this.captions.findStuck(now.minus(this.settings.stuckAfter()), BATCH)
			.collectList()
			.flatMapMany(Flux::fromIterable)
			.concatMap((stuck) -> this.transaction.transactional(handle(stuck, now)))
			.filter(Boolean::booleanValue)
			.count();
	}

	private Mono<Boolean> handle(CaptionStore.StuckCaption stuck, Instant now) {
		String silence = "no news for " + describe(this.settings.stuckAfter());
		if (stuck.attempts() >= this.settings.maxAttempts()) {
			String reason = "OCR did not finish after " + stuck.attempts() + " attempts (" + silence + ")";
			return this.captions.giveUpStuck(stuck, reason, now).flatMap((changed) -> {
				if (!changed) {
					return Mono.just(false);
				}
				logger.warn("Caption {} of video {}: {}", stuck.id(), stuck.videoId(), reason);
				return this.outbox.discard(Topics.CAPTION_OCR_REQUESTS, stuck.id())
					.then(this.notifications.append(stuck.videoId(), NotificationLog.CAPTION_OCR_FLOW,
							VideoNotification.Status.ERROR, reason, stuck.id(), CaptionEdits.SOURCE))
					.thenReturn(true);
			});
		}
		return this.captions.requeueStuck(stuck, now).flatMap((changed) -> {
			if (!changed) {
				return Mono.just(false);
			}
			logger.info("Caption {} of video {} was {} with {}: queued again (attempt {} of {})", stuck.id(),
					stuck.videoId(), stuck.status(), silence, stuck.attempts() + 1, this.settings.maxAttempts());
			CaptionStore.SaveTarget target = stuck.target();
			return this.outbox
				.replace(Topics.CAPTION_OCR_REQUESTS, stuck.videoId(), stuck.id(),
						CaptionOcrRequested.of(UUID.randomUUID(), stuck.videoId(), stuck.id(), stuck.revision() + 1,
								stuck.start(), stuck.end(), target.crop(), target.language(), target.media(), now))
				.then(this.notifications.append(stuck.videoId(), NotificationLog.CAPTION_OCR_FLOW,
						VideoNotification.Status.QUEUED, null, stuck.id(), CaptionEdits.SOURCE))
				.thenReturn(true);
		});
	}

	private static String describe(Duration duration) {
		if (duration.toSeconds() % 60 == 0 && duration.toMinutes() > 0) {
			return duration.toMinutes() + " min";
		}
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	@Override
	public void start() {
		this.schedule = Flux.interval(this.settings.interval(), this.settings.interval(), Schedulers.parallel())
			.onBackpressureDrop()
			.concatMap((tick) -> sweep().onErrorResume((ex) -> {
				logger.warn("Sweep of stuck captions failed: {}", ex.toString());
				return Mono.just(0L);
			}), 1)
			.subscribe();
	}

	@Override
	public void stop() {
		Disposable running = this.schedule;
		if (running != null) {
			running.dispose();
		}
		this.schedule = null;
	}

	@Override
	public boolean isRunning() {
		return this.schedule != null;
	}

}
