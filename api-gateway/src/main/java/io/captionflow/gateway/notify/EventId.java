package io.captionflow.gateway.notify;

/**
 * An SSE event id, {@code <epoch>-<number>}: the notification's number in the log and the
 * epoch that names the log's lineage. A number means a notification only within its
 * epoch: a log that went back numbers again ids browsers have seen, under a new epoch.
 * Both parts are decimal digits, so the dash cannot be mistaken for a sign and no id of
 * one epoch reads as an id of another. Plain Java.
 *
 * @param epoch the epoch, positive; {@link #LEGACY} for a bare number sent by a client of
 * a version without epochs
 * @param number the notification's number, 0 or more
 */
record EventId(long epoch, long number) {

	/** The epoch of a bare number: ids from before epochs, of no known lineage. */
	static final long LEGACY = 0;

	/** Longer than any long in decimal: not an id. */
	private static final int MAX_LENGTH = 40;

	EventId {
		if (epoch < 0 || number < 0) {
			throw new IllegalArgumentException("an event id's parts are 0 or more");
		}
	}

	/**
	 * Reads an id a client sent.
	 * @param value {@code <epoch>-<number>}, or a bare number (a legacy id)
	 * @return the id
	 * @throws IllegalArgumentException when it is neither
	 */
	static EventId parse(String value) {
		String id = value.strip();
		if (id.isEmpty() || id.length() > MAX_LENGTH) {
			throw new IllegalArgumentException("not an event id");
		}
		int dash = id.indexOf('-');
		if (dash < 0) {
			return new EventId(LEGACY, digits(id));
		}
		long epoch = digits(id.substring(0, dash));
		if (epoch == LEGACY) {
			throw new IllegalArgumentException("an epoch is positive");
		}
		return new EventId(epoch, digits(id.substring(dash + 1)));
	}

	/**
	 * Whether the id is a bare number, from before epochs.
	 * @return true when legacy
	 */
	boolean legacy() {
		return this.epoch == LEGACY;
	}

	/**
	 * The id as it goes on the wire.
	 */
	@Override
	public String toString() {
		return legacy() ? Long.toString(this.number) : this.epoch + "-" + this.number;
	}

	private static long digits(String text) {
		if (text.isEmpty() || text.length() > 19) {
			throw new IllegalArgumentException("not an event id");
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				throw new IllegalArgumentException("not an event id");
			}
		}
		// 19 digits may overflow: NumberFormatException is an IllegalArgumentException
		return Long.parseLong(text);
	}

}
