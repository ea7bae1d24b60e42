package io.captionflow.gateway.background;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
	void stoppingEndsTheLoop() {
		Counting loop = start((round) -> 0);
		await().atMost(Duration.ofSeconds(10)).until(() -> loop.rounds.get() == 1);
		loop.stop();
		assertThat(loop.isRunning()).isFalse();
		assertThat(loop.thread.get().isAlive()).as("the loop's thread after stop()").isFalse();
	}

	private Counting start(RoundResult result) {
		Counting loop = new Counting(result);
		this.loops.add(loop);
		loop.start();
		return loop;
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
			super("test-rounds", new Timing(10, HOUR, Duration.ofMillis(10), Duration.ofMillis(1), Duration.ofMillis(8),
					Duration.ofSeconds(10)));
			this.result = result;
		}

		@Override
		protected int round() {
			this.thread.set(Thread.currentThread());
			return this.result.of(this.rounds.incrementAndGet());
		}

	}

}
