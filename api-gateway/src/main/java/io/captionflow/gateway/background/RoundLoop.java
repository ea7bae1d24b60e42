package io.captionflow.gateway.background;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
 * logged too. A round fails by any {@link Throwable}, an {@link Error} included (out of
 * memory, a stack overflow): the loop goes on, and only {@link #stop()} ends it. Should
 * its thread end all the same, that is logged as an error and {@link #state()} says so,
 * for the health indicators that report it.
 */
public abstract class RoundLoop implements SmartLifecycle {

	/** What {@link #round()} returns when another instance holds the work's lock. */
	protected static final int LOCKED_ELSEWHERE = -1;

	private final Logger logger = LoggerFactory.getLogger(getClass());

	private final String name;

	private final Timing timing;

	private final Semaphore wakeups = new Semaphore(0);

	/** What the pause after a failed round waits on: only stop() ends it early. */
	private final Object pause = new Object();

	private final Clock clock = Clock.systemUTC();

	private volatile boolean running;

	private volatile @Nullable Thread thread;

	private volatile @Nullable Instant lastRound;

	private volatile @Nullable String failure;

	/**
	 * @param name the thread's name, also what the log calls this work
	 * @param timing how rounds follow each other
	 */
	protected RoundLoop(String name, Timing timing) {
		this.name = name;
		this.timing = timing;
	}

	/**
	 * The loop's name: its thread's, and what the log calls its work.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Does one round of work.
	 * @return how many items the round handled, or {@link #LOCKED_ELSEWHERE}
	 * @throws InterruptedException when the thread was interrupted while waiting
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

	/**
	 * Stops the loop: a wait ends at once, the round in progress is let finish (for up to
	 * the stop timeout). The thread is never interrupted: an interrupt during a write to
	 * H2's file closes the file, and with it the database of every other thread.
	 */
	@Override
	public synchronized void stop() {
		this.running = false;
		this.wakeups.release();
		synchronized (this.pause) {
			this.pause.notifyAll();
		}
		if (this.thread != null) {
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

	/**
	 * How the loop stands, for its health.
	 * @return the loop's state
	 */
	public State state() {
		Thread current = this.thread;
		Activity activity;
		if (current == null) {
			activity = Activity.NOT_STARTED;
		}
		else if (current.isAlive()) {
			activity = Activity.RUNNING;
		}
		else {
			activity = this.running ? Activity.ENDED : Activity.STOPPED;
		}
		return new State(activity, Optional.ofNullable(this.lastRound), Optional.ofNullable(this.failure));
	}

	@Override
	public int getPhase() {
		// started after the notification feed has read where the log stands; stopped
		// before the Kafka producer and the connection pool go away
		return Integer.MAX_VALUE - 1000;
	}

	private void run() {
		try {
			loop();
		}
		finally {
			if (this.running) {
				// not stop(): whatever ended the thread, say so (health reports it DOWN)
				this.logger.error("{} ended while the gateway runs; its work waits until a restart", this.name);
			}
		}
	}

	private void loop() {
		Duration backoff = this.timing.minBackoff();
		boolean failing = false;
		while (this.running) {
			try {
				int done = round();
				this.lastRound = this.clock.instant();
				this.failure = null;
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
				// only stop() ends the loop; any other interrupt is not ours
				continue;
			}
			catch (Throwable ex) {
				if (!this.running) {
					return;
				}
				this.failure = ex.toString();
				if (!failing) {
					if (ex instanceof Error) {
						this.logger.error("{} failed, retrying with backoff", this.name, ex);
					}
					else {
						this.logger.warn("{} failed, retrying with backoff: {}", this.name, ex.toString());
					}
					failing = true;
				}
				else {
					this.logger.debug("{} still failing", this.name, ex);
				}
				try {
					// wake-ups do not end it: in an outage, every save sends one
					synchronized (this.pause) {
						if (this.running) {
							this.pause.wait(backoff.toMillis());
						}
					}
				}
				catch (InterruptedException interrupted) {
					// the loop's condition decides whether this was stop()
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

	/**
	 * Whether the loop's thread runs.
	 */
	public enum Activity {

		/** {@link #start()} was not called yet. */
		NOT_STARTED,

		/** The thread runs rounds. */
		RUNNING,

		/** {@link #stop()} ended the thread. */
		STOPPED,

		/** The thread ended although the loop was not stopped. */
		ENDED

	}

	/**
	 * How a loop stands.
	 *
	 * @param activity whether its thread runs
	 * @param lastRound when its last round succeeded, if one did
	 * @param failure what failed the rounds since, if they fail
	 */
	public record State(Activity activity, Optional<Instant> lastRound, Optional<String> failure) {

		/**
		 * Whether the thread runs.
		 * @return true while it runs rounds
		 */
		public boolean alive() {
			return this.activity == Activity.RUNNING;
		}

	}

}
