package io.captionflow.gateway.admission;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A {@link TokenBucket} per client address, in bounded memory: an address whose bucket is
 * full again is forgotten (a new bucket would be the same), and beyond
 * {@code maxAddresses} the one heard from least recently is forgotten, so a flood of
 * addresses costs at most {@code maxAddresses} buckets. Forgetting an address can only
 * give it a full bucket, never refuse anyone.
 */
final class RateLimiter {

	private final double perSecond;

	private final int burst;

	private final LongSupplier nanoTime;

	/** In access order: least recently heard from first. Guarded by this. */
	private final LinkedHashMap<String, TokenBucket> buckets;

	/**
	 * A limiter.
	 * @param perSecond requests a second per address, sustained
	 * @param burst requests at once per address
	 * @param maxAddresses the most addresses remembered
	 * @param nanoTime the clock, in nanoseconds ({@link System#nanoTime()})
	 */
	RateLimiter(double perSecond, int burst, int maxAddresses, LongSupplier nanoTime) {
		if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1 || maxAddresses < 1) {
			throw new IllegalArgumentException(
					"a rate must be above 0 a second, with a burst and max-addresses of 1 or more");
		}
		this.perSecond = perSecond;
		this.burst = burst;
		this.nanoTime = nanoTime;
		this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
			@Override
			protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
				return size() > maxAddresses;
			}
		};
	}

	/**
	 * Takes one request from an address's bucket.
	 * @param address the client's address
	 * @return 0 when the request may go on, else the nanoseconds until it may
	 */
	synchronized long acquire(String address) {
		long now = this.nanoTime.getAsLong();
		forgetFull(now);
		TokenBucket bucket = this.buckets.get(address);
		if (bucket == null) {
			bucket = new TokenBucket(this.perSecond, this.burst, now);
			this.buckets.put(address, bucket);
		}
		return bucket.take(now);
	}

	/**
	 * The addresses remembered now.
	 * @return addresses
	 */
	synchronized int addresses() {
		return this.buckets.size();
	}

	double perSecond() {
		return this.perSecond;
	}

	/**
	 * Forgets the least recently heard from addresses as long as their buckets are full:
	 * each is forgotten once, so this costs little on every call.
	 */
	private void forgetFull(long now) {
		Iterator<TokenBucket> eldest = this.buckets.values().iterator();
		while (eldest.hasNext() && eldest.next().full(now)) {
			eldest.remove();
		}
	}

}
