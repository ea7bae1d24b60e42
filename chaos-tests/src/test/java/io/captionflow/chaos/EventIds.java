package io.captionflow.chaos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * What one client's stream brought, in order, duplicates kept: each notification's id and
 * each {@code reset}'s, as (epoch, number).
 */
final class EventIds {

	/**
	 * An SSE event id, {@code <epoch>-<number>}: a number names a notification only
	 * within its epoch.
	 *
	 * @param epoch the log's epoch, positive
	 * @param number the notification's number in the log
	 */
	record Id(long epoch, long number) {

		/** Before any event: the client sends no {@code Last-Event-ID}. */
		static final Id NONE = new Id(-1, -1);

		/**
		 * Reads an id as the gateway sends it.
		 * @param value {@code <epoch>-<number>}
		 * @return the id
		 * @throws IllegalArgumentException when it is not one
		 */
		static Id parse(String value) {
			String id = value.strip();
			int dash = id.indexOf('-');
			if (dash <= 0 || dash == id.length() - 1) {
				throw new IllegalArgumentException("not an epoch id: " + value);
			}
			return new Id(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
		}

		/** The id as it goes back in {@code Last-Event-ID}. */
		@Override
		public String toString() {
			return this.epoch + "-" + this.number;
		}

	}

	/**
	 * One event the client received.
	 *
	 * @param id its id
	 * @param reset whether it was a {@code reset}, which moves the client to its id
	 */
	record Received(Id id, boolean reset) {

	}

	private long[] epochs = new long[1024];

	private long[] numbers = new long[1024];

	private final BitSet resets = new BitSet();

	private int size;

	private Id last = Id.NONE;

	/** A notification. */
	synchronized void add(Id id) {
		append(id);
	}

	/** A {@code reset}: the client carries on after its id. */
	synchronized void reset(Id id) {
		this.resets.set(this.size);
		append(id);
	}

	private void append(Id id) {
		if (this.size == this.epochs.length) {
			this.epochs = Arrays.copyOf(this.epochs, this.size * 2);
			this.numbers = Arrays.copyOf(this.numbers, this.size * 2);
		}
		this.epochs[this.size] = id.epoch();
		this.numbers[this.size] = id.number();
		this.size++;
		this.last = id;
	}

	/** How many events were received so far: where a phase's starts. */
	synchronized int size() {
		return this.size;
	}

	/**
	 * The events received since {@code from}, in order.
	 * @param from a {@link #size()} taken earlier
	 * @return the events
	 */
	synchronized List<Received> since(int from) {
		List<Received> events = new ArrayList<>(Math.max(0, this.size - from));
		for (int i = from; i < this.size; i++) {
			events.add(new Received(new Id(this.epochs[i], this.numbers[i]), this.resets.get(i)));
		}
		return events;
	}

	/** The id of the newest event, notification or reset: where the client is. */
	synchronized Id last() {
		return this.last;
	}

	/**
	 * Whether the client is at {@code number} of {@code epoch} or past it.
	 * @param epoch the log's epoch
	 * @param number a number in it
	 * @return true when caught up
	 */
	synchronized boolean reached(long epoch, long number) {
		return this.last.epoch() == epoch && this.last.number() >= number;
	}

}
