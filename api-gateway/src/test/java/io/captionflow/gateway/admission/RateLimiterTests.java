package io.captionflow.gateway.admission;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token buckets per address on a clock the test moves: addresses are limited apart, and
 * the addresses remembered stay bounded.
 */
class RateLimiterTests {

	private static final long SECOND = Duration.ofSeconds(1).toNanos();

	private final AtomicLong now = new AtomicLong(1_000 * SECOND);

	@Test
	void oneAddressOverItsRateIsRefusedWhileAnotherPasses() {
		RateLimiter limiter = new RateLimiter(2, 3, 100, this.now::get);
		for (int i = 0; i < 3; i++) {
			assertThat(limiter.acquire("10.0.0.1")).isZero();
		}
		assertThat(limiter.acquire("10.0.0.1")).isEqualTo(SECOND / 2);
		assertThat(limiter.acquire("10.0.0.2")).isZero();
		this.now.addAndGet(SECOND / 2);
		assertThat(limiter.acquire("10.0.0.1")).isZero();
		assertThat(limiter.acquire("10.0.0.1")).isPositive();
	}

	@Test
	void anAddressWhoseBucketIsFullAgainIsForgotten() {
		RateLimiter limiter = new RateLimiter(10, 5, 100, this.now::get);
		for (int i = 0; i < 50; i++) {
			limiter.acquire("10.0.1." + i);
		}
		assertThat(limiter.addresses()).isEqualTo(50);
		// one token each was taken: a tenth of a second fills them all again
		this.now.addAndGet(SECOND / 10);
		limiter.acquire("10.0.2.1");
		assertThat(limiter.addresses()).isEqualTo(1);
	}

	@Test
	void aFloodOfAddressesIsRememberedUpToTheBoundLeastRecentFirstForgotten() {
		RateLimiter limiter = new RateLimiter(1, 2, 1000, this.now::get);
		// a steady client, heard from throughout
		limiter.acquire("192.0.2.1");
		limiter.acquire("192.0.2.1");
		for (int i = 0; i < 100_000; i++) {
			limiter.acquire("flood-" + i);
			if (i % 500 == 0) {
				// still throttled: its bucket is empty and remembered
				assertThat(limiter.acquire("192.0.2.1")).isPositive();
			}
		}
		assertThat(limiter.addresses()).isEqualTo(1000);
	}

	@Test
	void aForgottenAddressStartsWithAFullBucket() {
		RateLimiter limiter = new RateLimiter(1, 1, 2, this.now::get);
		assertThat(limiter.acquire("a")).isZero();
		assertThat(limiter.acquire("a")).isPositive();
		limiter.acquire("b");
		limiter.acquire("c");
		assertThat(limiter.addresses()).isEqualTo(2);
		assertThat(limiter.acquire("a")).isZero();
	}

}
