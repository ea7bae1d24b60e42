package io.captionflow.gateway.admission;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The token bucket on a clock the test moves.
 */
class TokenBucketTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	@Test
	void aFullBucketTakesItsBurstAtOnceThenSaysHowLongToWait() {
		TokenBucket bucket = new TokenBucket(10, 5, 0);
		for (int i = 0; i < 5; i++) {
			assertThat(bucket.take(0)).isZero();
		}
		// one token comes every 100 ms
		assertThat(bucket.take(0)).isEqualTo(SECOND / 10);
		assertThat(bucket.take(SECOND / 20)).isEqualTo(SECOND / 20);
	}

	@Test
	void tokensComeBackAtTheRateUpToTheBurst() {
		TokenBucket bucket = new TokenBucket(10, 5, 0);
		for (int i = 0; i < 5; i++) {
			bucket.take(0);
		}
		assertThat(bucket.full(SECOND / 10)).isFalse();
		assertThat(bucket.take(SECOND / 10)).isZero();
		assertThat(bucket.take(SECOND / 10)).isPositive();
		// an hour of quiet gives back the burst, not 36,000 tokens
		long later = 3600 * SECOND;
		assertThat(bucket.full(later)).isTrue();
		int taken = 0;
		while (bucket.take(later) == 0) {
			taken++;
		}
		assertThat(taken).isEqualTo(5);
	}

	@Test
	void aSustainedRateAtTheLimitIsNeverRefused() {
		TokenBucket bucket = new TokenBucket(50, 1, 0);
		for (long now = 0; now < 10 * SECOND; now += SECOND / 50) {
			assertThat(bucket.take(now)).as("at %d ns", now).isZero();
		}
	}

	@Test
	void aClockReadingFromBeforeTheLastAddsNothing() {
		TokenBucket bucket = new TokenBucket(1, 1, SECOND);
		assertThat(bucket.take(SECOND)).isZero();
		assertThat(bucket.take(0)).isEqualTo(SECOND);
		assertThat(bucket.take(2 * SECOND)).isZero();
	}

	@Test
	void aRateBelowOneASecondIsKept() {
		TokenBucket bucket = new TokenBucket(0.5, 1, 0);
		assertThat(bucket.take(0)).isZero();
		assertThat(bucket.take(0)).isEqualTo(2 * SECOND);
	}

	@Test
	void noRateOrBurstIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(0, 1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(Double.NaN, 1, 0));
		assertThatIllegalArgumentException().isThrownBy(() -> new TokenBucket(1, 0, 0));
	}

}
