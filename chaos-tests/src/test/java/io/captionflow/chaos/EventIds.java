package io.captionflow.chaos;

import java.util.Arrays;

/**
 * The notification ids one client received, in order, duplicates kept.
 */
final class EventIds {

	private long[] ids = new long[1024];

	private int size;

	private long max = -1;

	synchronized void add(long id) {
		if (this.size == this.ids.length) {
			this.ids = Arrays.copyOf(this.ids, this.size * 2);
		}
		this.ids[this.size++] = id;
		this.max = Math.max(this.max, id);
	}

	synchronized long[] snapshot() {
		return Arrays.copyOf(this.ids, this.size);
	}

	synchronized long max() {
		return this.max;
	}

}
