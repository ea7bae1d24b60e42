package io.captionflow.gateway.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the streams held, per client address and in total, and admits a new one only
 * under both limits. Only addresses holding a stream are remembered, so the memory it
 * takes is bounded by the total.
 */
final class StreamSlots {

	private final int maxTotal;

	private final int maxPerAddress;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();

	StreamSlots(int maxTotal, int maxPerAddress) {
		if (maxTotal < 1 || maxPerAddress < 1) {
			throw new IllegalArgumentException("the stream limits must be 1 or more");
		}
		this.maxTotal = maxTotal;
		this.maxPerAddress = maxPerAddress;
	}

	/**
	 * Takes a slot for a new stream.
	 * @param address the client's address
	 * @return the slot, to release when the stream ends, or the limit that refused it
	 */
	Ticket acquire(String address) {
		boolean[] taken = new boolean[1];
		this.byAddress.compute(address, (key, held) -> {
			int count = (held != null) ? held : 0;
			if (count >= this.maxPerAddress) {
				return held;
			}
			taken[0] = true;
			return count + 1;
		});
		if (!taken[0]) {
			return new Refused(Limit.PER_ADDRESS);
		}
		if (this.total.incrementAndGet() > this.maxTotal) {
			this.total.decrementAndGet();
			releaseAddress(address);
			return new Refused(Limit.TOTAL);
		}
		return new Slot(address);
	}

	/**
	 * The streams held now.
	 * @return streams
	 */
	int held() {
		return this.total.get();
	}

	/**
	 * The streams one address holds now.
	 * @param address the address
	 * @return streams
	 */
	int held(String address) {
		return this.byAddress.getOrDefault(address, 0);
	}

	/**
	 * The addresses holding a stream now.
	 * @return addresses
	 */
	int addresses() {
		return this.byAddress.size();
	}

	int maxTotal() {
		return this.maxTotal;
	}

	int maxPerAddress() {
		return this.maxPerAddress;
	}

	private void releaseAddress(String address) {
		this.byAddress.computeIfPresent(address, (key, held) -> (held > 1) ? held - 1 : null);
	}

	/**
	 * The limit a stream was refused by.
	 */
	enum Limit {

		/** The client's address holds {@code maxPerAddress} streams. */
		PER_ADDRESS,

		/** The instance holds {@code maxTotal} streams. */
		TOTAL

	}

	/**
	 * What {@link #acquire} gave.
	 */
	sealed interface Ticket permits Slot, Refused {

	}

	/**
	 * A refusal.
	 *
	 * @param limit the limit reached
	 */
	record Refused(Limit limit) implements Ticket {
	}

	/**
	 * A stream's slot; releasing it more than once releases it once.
	 */
	final class Slot implements Ticket {

		private final String address;

		private final AtomicBoolean released = new AtomicBoolean();

		private Slot(String address) {
			this.address = address;
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				StreamSlots.this.total.decrementAndGet();
				releaseAddress(this.address);
			}
		}

	}

}
