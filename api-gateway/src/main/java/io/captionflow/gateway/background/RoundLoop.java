package io.captionflow.gateway.background;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Background work done in rounds on a thread of its own, never on the event loop: the
 * outbox relay, the notification sequencer and the pruning of webhook deliveries. A round
 * that did a full batch is followed at once by the next; one that did less waits for a
 * {@link #wake() wake-up} or the poll interval. A round that found its lock held by
 * another gateway instance tries again shortly. A failed round is logged once, not on
 * every retry, and retried after a pause that doubles up to its maximum; the recovery is
 * logged too.
 */
public abstract class RoundLoop implements SmartLifecycle {

	/** What {@link #round()} returns when another instance holds the work's lock. */
	protected static final int LOCKED_ELSEWHERE = -1;

	private final Logger logger = LoggerFactory.getLogger(getClass());

	private final String name;

	private final Timing timing;

	private final Semaphore wakeups = new Semaphore(0);

	private volatile boolean running;

	private @Nullable Thread thread;

	/**
	 * @param name the thread's name, also what the log calls this work
	 * @param timing how rounds follow each other
	 */
	protected RoundLoop(String name, Timing timing) {
		this.name = name;
		this.timing = timing;
	}

	/**
	 * Does one round of work.
	 * @return how many items the round handled, or {@link #LOCKED_ELSEWHERE}
	 * @throws InterruptedException when stopped while waiting
	 */
	protected abstract int round() throws InterruptedException;

	/**
	 * Makes the loop start its next round now rather than at its next poll.
	 */
	public void wake() {
		this.wakeups.release();
	}

	@Override
	public synchronized void start() {
		this.running = true;
		this.thread = Thread.ofPlatform().name(this.name).daemon().start(this::run);
	}

	@Override
	public synchronized void stop() {
		this.running = false;
		if (this.thread != null) {
			this.thread.interrupt();
			try {
				this.thread.join(this.timing.stopTimeout().toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// started after the notification feed has read where the log stands; stopped
		// before the Kafka producer and the connection pool go away
		return Integer.MAX_VALUE - 1000;
	}

	private void run() {
		Duration backoff = this.timing.minBackoff();
		boolean failing = false;
		while (this.running) {
			try {
				int done = round();
				if (failing) {
					this.logger.info("{} recovered", this.name);
					failing = false;
				}
				backoff = this.timing.minBackoff();
				if (done == LOCKED_ELSEWHERE) {
					// keeps any wake-up: this instance's own work may be waiting
					this.wakeups.tryAcquire(this.timing.lockRetry().toMillis(), TimeUnit.MILLISECONDS);
				}
				else if (done < this.timing.batchSize()) {
					this.wakeups.tryAcquire(this.timing.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
					this.wakeups.drainPermits();
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				if (!this.running) {
					return;
				}
				if (!failing) {
					this.logger.warn("{} failed, retrying with backoff: {}", this.name, ex.toString());
					failing = true;
				}
				else {
					this.logger.debug("{} still failing", this.name, ex);
				}
				try {
					// wake-ups do not end it: in an outage, every save sends one
					Thread.sleep(backoff);
				}
				catch (InterruptedException interrupted) {
					Thread.currentThread().interrupt();
					return;
				}
				backoff = min(backoff.multipliedBy(2), this.timing.maxBackoff());
			}
		}
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	/**
	 * How rounds follow each other.
	 *
	 * @param batchSize the most items a round handles; a full round is followed at once
	 * by the next
	 * @param pollInterval how long a round that did less waits when nothing wakes the
	 * loop
	 * @param lockRetry how long to wait while another instance holds the lock
	 * @param minBackoff the first pause after a failed round
	 * @param maxBackoff the longest pause after failed rounds
	 * @param stopTimeout how long stopping waits for the round in progress
	 */
	public record Timing(int batchSize, Duration pollInterval, Duration lockRetry, Duration minBackoff,
			Duration maxBackoff, Duration stopTimeout) {
	}

}
