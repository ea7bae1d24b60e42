package io.captionflow.gateway.admission;

/**
 * A token bucket: holds up to {@code burst} tokens, refilled at {@code perSecond}; each
 * request takes one. Times are {@link System#nanoTime()}-like readings passed in, so the
 * bucket keeps no clock of its own. Not thread-safe.
 */
final class TokenBucket {

	private final double perNano;

	private final double burst;

	private double tokens;

	private long updated;

	/**
	 * A full bucket.
	 * @param perSecond tokens added a second
	 * @param burst the most tokens held
	 * @param now the time now, in nanoseconds
	 */
	TokenBucket(double perSecond, int burst, long now) {
		if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
			throw new IllegalArgumentException("a rate must be above 0 a second, with a burst of 1 or more");
		}
		this.perNano = perSecond / 1e9;
		this.burst = burst;
		this.tokens = burst;
		this.updated = now;
	}

	/**
	 * Takes a token if there is one.
	 * @param now the time now, in nanoseconds
	 * @return 0 when taken, else the nanoseconds until there is one
	 */
	long take(long now) {
		this.tokens = tokensAt(now);
		this.updated = Math.max(this.updated, now);
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return Math.max(1, (long) Math.ceil((1 - this.tokens) / this.perNano));
	}

	/**
	 * Whether the bucket is full again, so that forgetting it changes nothing.
	 * @param now the time now, in nanoseconds
	 * @return true when full
	 */
	boolean full(long now) {
		return tokensAt(now) >= this.burst;
	}

	private double tokensAt(long now) {
		// a clock reading from before the last one adds nothing
		long elapsed = Math.max(0, now - this.updated);
		return Math.min(this.burst, this.tokens + elapsed * this.perNano);
	}

}
