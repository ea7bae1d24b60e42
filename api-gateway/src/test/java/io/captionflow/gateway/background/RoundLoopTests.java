package io.captionflow.gateway.background;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The loop behind the outbox relay and the notification sequencer, with rounds that count
 * themselves. The poll interval is an hour: a test that sees a second round within
 * seconds sees something other than the poll start it.
 */
class RoundLoopTests {

	private static final Duration HOUR = Duration.ofHours(1);

	private final List<RoundLoop> loops = new ArrayList<>();

	@AfterEach
	void stop() {
		this.loops.forEach(RoundLoop::stop);
	}

	@Test
	void aFullBatchIsFollowedAtOnceByTheNextRound() {
		Counting loop = start((round) -> (round <= 3) ? 10 : 4);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 4);
	}

	@Test
	void aWakeUpStartsTheNextRoundBeforeThePoll() {
		Counting loop = start((round) -> 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 1);
		loop.wake();
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 2);
	}

	@Test
	void roundsThatFindTheLockTakenAreRetriedShortly() {
		Counting loop = start((round) -> (round <= 5) ? RoundLoop.LOCKED_ELSEWHERE : 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 6);
	}

	@Test
	void failedRoundsAreRetriedWithBackoffUntilOneSucceeds() {
		Counting loop = start((round) -> {
			if (round <= 3) {
				throw new IllegalStateException("the broker is away");
			}
			return 0;
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 4);
		assertThat(loop.isRunning()).isTrue();
	}

	@Test
	void anErrorInARoundIsLoggedAndTheLoopGoesOnToTheNextRound() {
		Counting loop = start((round) -> switch (round) {
			case 1 -> throw new OutOfMemoryError("test");
			case 2 -> throw new StackOverflowError();
			default -> 0;
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.state().lastRound().isPresent());
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.RUNNING);
		assertThat(loop.state().failure()).isEmpty();
		assertThat(loop.thread.get().isAlive()).isTrue();
	}

	@Test
	void roundsThatKeepFailingAreReportedWithTheirFailure() {
		Counting loop = start((round) -> {
			throw new OutOfMemoryError("test");
		});
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() >= 3);
		assertThat(loop.state().failure()).hasValue("java.lang.OutOfMemoryError: test");
		assertThat(loop.state().lastRound()).isEmpty();
		assertThat(loop.state().alive()).isTrue();
	}

	@Test
	void anInterruptOtherThanStopDoesNotEndTheLoop() {
		Counting loop = start((round) -> 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 1);
		loop.thread.get().interrupt();
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 2);
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.RUNNING);
	}

	@Test
	void aThreadThatEndsWithoutStopIsReportedEnded() {
		// a failure that fails even to be described escapes the loop's own handling
		Counting loop = start((round) -> {
			throw new Unprintable();
		});
		// the failure reaches the thread's uncaught-exception handler, not this test
		await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(10)).until(() -> !loop.thread.get().isAlive());
		assertThat(loop.isRunning()).as("not stopped").isTrue();
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.ENDED);
		assertThat(loop.state().alive()).isFalse();
	}

	@Test
	void stoppingLetsTheRoundInProgressFinishUninterrupted() throws InterruptedException {
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		Counting loop = start((round) -> {
			entered.countDown();
			try {
				// as a round writing to the database: an interrupt would close H2's file
				finish.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			return 0;
		});
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		Thread stopping = Thread.ofPlatform().start(loop::stop);
		await().atMost(Duration.ofSeconds(10)).until(() -> !loop.isRunning());
		finish.countDown();
		stopping.join(Duration.ofSeconds(10));
		assertThat(interrupted).as("the round was interrupted").isFalse();
		assertThat(loop.thread.get().isAlive()).isFalse();
		assertThat(loop.rounds.get()).isEqualTo(1);
	}

	@Test
	void stoppingEndsTheLoopDuringTheBackoffOfAFailedRound() {
		Counting loop = new Counting((round) -> {
			throw new IllegalStateException("the broker is away");
		}, Duration.ofHours(1));
		this.loops.add(loop);
		loop.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 1);
		loop.stop();
		assertThat(loop.thread.get().isAlive()).isFalse();
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.STOPPED);
	}

	@Test
	void stoppingEndsTheLoop() {
		Counting loop = start((round) -> 0);
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.RUNNING);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 1);
		loop.stop();
		assertThat(loop.isRunning()).isFalse();
		assertThat(loop.thread.get().isAlive()).as("the loop's thread after stop()").isFalse();
		assertThat(loop.state().activity()).isEqualTo(RoundLoop.Activity.STOPPED);
	}

	private Counting start(RoundResult result) {
		Counting loop = new Counting(result);
		this.loops.add(loop);
		loop.start();
		return loop;
	}

	private static final class Unprintable extends Error {

		private static final long serialVersionUID = 1L;

		@Override
		public String toString() {
			throw new IllegalStateException("cannot describe this failure");
		}

	}

	@FunctionalInterface
	private interface RoundResult {

		int of(int round);

	}

	private static final class Counting extends RoundLoop {

		final AtomicInteger rounds = new AtomicInteger();

		final AtomicReference<Thread> thread = new AtomicReference<>();

		private final RoundResult result;

		Counting(RoundResult result) {
			this(result, Duration.ofMillis(1));
		}

		Counting(RoundResult result, Duration minBackoff) {
			super("test-rounds", new Timing(10, HOUR, Duration.ofMillis(10), minBackoff,
					Collections.max(List.of(minBackoff, Duration.ofMillis(8))), Duration.ofSeconds(10)));
			this.result = result;
		}

		@Override
		protected int round() {
			this.thread.set(Thread.currentThread());
			return this.result.of(this.rounds.incrementAndGet());
		}

	}

}
