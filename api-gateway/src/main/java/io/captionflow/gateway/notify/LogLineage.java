package io.captionflow.gateway.notify;

import org.jspecify.annotations.Nullable;

/**
 * Whether the notification log went back: its newest number is below one this instance
 * passed on in the same epoch, or below one announced on the video-notifications topic
 * since the epoch began. Either way the sequencer would number again ids that browsers
 * have seen, so the epoch must change before it numbers anything. Plain Java.
 */
final class LogLineage {

	private LogLineage() {
	}

	/**
	 * The evidence that the log went back, to be logged with the change of epoch.
	 * @param logNewest the log's newest number
	 * @param epoch the log's epoch
	 * @param seen the newest number this instance passed on, and its epoch
	 * @param hints the ids at the end of the topic, or null when not read this time
	 * @return what shows the log went back, or null when nothing does
	 */
	static @Nullable String evidence(long logNewest, NotificationEpochs.Epoch epoch, NotificationTail.Position seen,
			HintedIds.@Nullable Hints hints) {
		if (seen.epoch() == epoch.value() && seen.head() > logNewest) {
			return "this instance passed on notification " + seen.head() + " of epoch " + epoch.value()
					+ ", the log's newest is " + logNewest;
		}
		if (hints == null) {
			return null;
		}
		if (!hints.readable()) {
			// fail closed: a needless reset costs a refetch, a reissued id a silent skip
			return "the video-notifications topic could not be read in time to compare with the log's newest, "
					+ logNewest;
		}
		long hinted = hints.newest()
			.stream()
			.filter((hint) -> !hint.at().isBefore(epoch.since()))
			.mapToLong(HintedIds.Hint::id)
			.max()
			.orElse(0);
		if (hinted > logNewest) {
			return "notification " + hinted + " was announced on the video-notifications topic since epoch "
					+ epoch.value() + " began, the log's newest is " + logNewest;
		}
		return null;
	}

}
