package io.captionflow.gateway.caption;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.captionflow.gateway.outbox.Outbox;
import io.captionflow.gateway.video.Videos;
import org.jspecify.annotations.Nullable;
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

	/**
	 * Pages of candidates read in one sweep: past this many captions whose requests wait
	 * in the outbox, the rest wait for the next sweep.
	 */
	private static final int MAX_PAGES = 10;

	private final CaptionStore captions;

	private final Videos videos;

	private final Outbox outbox;

	private final OcrQueue ocr;

	private final TransactionalOperator transaction;

	private final Clock clock;

	private final SweepProperties settings;

	private volatile @Nullable Disposable schedule;

	StuckCaptionSweep(CaptionStore captions, Videos videos, Outbox outbox, OcrQueue ocr,
			TransactionalOperator transaction, Clock clock, SweepProperties properties) {
		this.captions = captions;
		this.videos = videos;
		this.outbox = outbox;
		this.ocr = ocr;
		this.transaction = transaction;
		this.clock = clock;
		this.settings = properties;
	}

	/**
	 * Runs one sweep.
	 * @return the number of captions queued again or ended
	 */
	Mono<Long> sweep() {
		Instant now = this.clock.instant();
		return stuck(now.minus(this.settings.stuckAfter()), null, 1).take(BATCH)
			.collectList()
			.flatMapMany(Flux::fromIterable)
			.concatMap((stuck) -> this.transaction.transactional(handle(stuck, now)))
			.filter(Boolean::booleanValue)
			.count();
	}

	/**
	 * The stuck captions from a page of candidates on: those with no news whose request
	 * does not wait in the outbox. One whose request waits there (the broker is down) is
	 * not lost, only late, and is left alone; the pages go on past such captions.
	 */
	private Flux<CaptionStore.StuckCaption> stuck(Instant before, CaptionStore.@Nullable StuckCaption after, int page) {
		return this.captions.findStuck(before, after, BATCH).collectList().flatMapMany((candidates) -> {
			if (candidates.isEmpty()) {
				return Flux.empty();
			}
			Flux<CaptionStore.StuckCaption> stuck = this.outbox
				.waiting(candidates.stream().map((candidate) -> candidate.key().captionId()).toList())
				.flatMapMany((waiting) -> Flux.fromIterable(candidates)
					.filter((candidate) -> !waiting.contains(candidate.key().captionId())));
			if (candidates.size() < BATCH || page >= MAX_PAGES) {
				return stuck;
			}
			return stuck.concatWith(Flux.defer(() -> stuck(before, candidates.getLast(), page + 1)));
		});
	}

	private Mono<Boolean> handle(CaptionStore.StuckCaption stuck, Instant now) {
		CaptionKey key = stuck.key();
		String silence = "no news for " + describe(this.settings.stuckAfter());
		if (stuck.attempts() >= this.settings.maxAttempts()) {
			String reason = "OCR did not finish after " + stuck.attempts() + " attempts (" + silence + ")";
			return this.ocr.giveUp(stuck, reason, now).doOnNext((ended) -> {
				if (ended) {
					logger.warn("Caption {} of video {}: {}", key.captionId(), key.videoId(), reason);
				}
			});
		}
		// its video's crop box, language and media as they are now
		return this.videos.find(key.videoId())
			.flatMap((video) -> this.ocr.requeue(stuck, video, now))
			.defaultIfEmpty(false)
			.doOnNext((queued) -> {
				if (queued) {
					logger.info("Caption {} of video {} was {} with {}: queued again (attempt {} of {})",
							key.captionId(), key.videoId(), stuck.status().wireName(), silence, stuck.attempts() + 1,
							this.settings.maxAttempts());
				}
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
