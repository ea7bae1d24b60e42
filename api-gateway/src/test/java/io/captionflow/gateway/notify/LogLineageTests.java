package io.captionflow.gateway.notify;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the log counts as having gone back: the evidence a sequencer weighs before it
 * numbers.
 */
class LogLineageTests {

	private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

	private static final NotificationEpochs.Epoch EPOCH = new NotificationEpochs.Epoch(77, SINCE);

	private static final HintedIds.Hints NOTHING = new HintedIds.Hints(List.of(), true);

	@Test
	void anIntactLogShowsNothing() {
		assertThat(LogLineage.evidence(10, EPOCH, new NotificationTail.Position(77, 10), null)).isNull();
		assertThat(
				LogLineage.evidence(10, EPOCH, new NotificationTail.Position(77, 4), hints(10, SINCE.plusSeconds(1))))
			.isNull();
		assertThat(LogLineage.evidence(0, EPOCH, new NotificationTail.Position(77, 0), NOTHING)).isNull();
	}

	@Test
	void aLogBehindWhatThisInstancePassedOnInItsEpochWentBack() {
		assertThat(LogLineage.evidence(7, EPOCH, new NotificationTail.Position(77, 9), null))
			.contains("passed on notification 9", "newest is 7");
	}

	@Test
	void whatThisInstancePassedOnInAnotherEpochIsNoEvidence() {
		// the epoch changed already; the tail moves to it at its next read
		assertThat(LogLineage.evidence(7, EPOCH, new NotificationTail.Position(12, 9), null)).isNull();
	}

	@Test
	void anIdAnnouncedOnTheTopicSinceTheEpochBeganAndMissingFromTheLogShowsItWentBack() {
		assertThat(LogLineage.evidence(7, EPOCH, new NotificationTail.Position(77, 7), hints(9, SINCE)))
			.contains("notification 9 was announced", "newest is 7");
	}

	@Test
	void idsAnnouncedBeforeTheEpochBeganAreOfAnOlderLineage() {
		assertThat(
				LogLineage.evidence(7, EPOCH, new NotificationTail.Position(77, 7), hints(900, SINCE.minusMillis(1))))
			.isNull();
	}

	@Test
	void aTopicThatCannotBeReadInTimeCountsAsEvidence() {
		assertThat(LogLineage.evidence(7, EPOCH, new NotificationTail.Position(77, 7),
				new HintedIds.Hints(List.of(), false)))
			.contains("could not be read");
	}

	private static HintedIds.Hints hints(long id, Instant at) {
		return new HintedIds.Hints(List.of(new HintedIds.Hint(id - 3, at), new HintedIds.Hint(id, at)), true);
	}

}
