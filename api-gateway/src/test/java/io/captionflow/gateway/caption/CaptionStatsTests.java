package io.captionflow.gateway.caption;

import java.util.List;
import java.util.Map;

import io.captionflow.events.CropBox;
import io.captionflow.gateway.video.Video;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A video's stats from the tallies of its captions.
 */
class CaptionStatsTests {

	private static final Video VIDEO = new Video("v", "V", "v.mp4", 25, 200, 1280, 720, new CropBox(0, 600, 1280, 100),
			"eng");

	@Test
	void aVideoWithoutCaptionsHasNothingToShowAndEveryStatusAtZero() {
		VideoStats stats = CaptionStats.stats(VIDEO, List.of());
		assertThat(stats).isEqualTo(new VideoStats("v", 0, 0, 0, 0, 0, 0, 0, 200, 0, stats.ocr(), false));
		assertThat(stats.ocr()).containsExactly(entry("idle", 0), entry("queued", 0), entry("processing", 0),
				entry("completed", 0), entry("error", 0));
	}

	@Test
	void talliesAddUpByStateAndByStatusInTheVocabularysOrder() {
		VideoStats stats = CaptionStats.stats(VIDEO,
				List.of(new CaptionStats.Tally("predicted", "idle", 3, 3, 30),
						new CaptionStats.Tally("confirmed", "queued", 1, 1, 11),
						new CaptionStats.Tally("confirmed", "completed", 2, 0, 20),
						new CaptionStats.Tally("gap", "error", 1, 0, 5),
						new CaptionStats.Tally("issue", "processing", 1, 1, 4)));
		assertThat(stats.totalAnnotations()).isEqualTo(8);
		assertThat(stats.confirmed()).isEqualTo(3);
		assertThat(stats.predicted()).isEqualTo(3);
		assertThat(stats.gap()).isEqualTo(1);
		assertThat(stats.issue()).isEqualTo(1);
		assertThat(stats.pendingReview()).isEqualTo(5);
		assertThat(stats.coveredFrames()).isEqualTo(70);
		assertThat(stats.progressPercent()).isEqualTo(62.5);
		assertThat(stats.ocr()).containsExactly(entry("idle", 3), entry("queued", 1), entry("processing", 1),
				entry("completed", 2), entry("error", 1));
		assertThat(stats.processing()).isTrue();
	}

	@Test
	void coveredFramesNeverExceedTheVideoAndUnknownNamesCountInTheTotalOnly() {
		VideoStats stats = CaptionStats.stats(VIDEO, List.of(new CaptionStats.Tally("predicted", "idle", 2, 0, 150),
				new CaptionStats.Tally("other", "done", 1, 0, 100)));
		assertThat(stats.totalAnnotations()).isEqualTo(3);
		assertThat(stats.predicted()).isEqualTo(2);
		assertThat(stats.confirmed() + stats.gap() + stats.issue()).isZero();
		assertThat(stats.ocr().values()).containsExactly(2L, 0L, 0L, 0L, 0L);
		assertThat(stats.coveredFrames()).isEqualTo(200);
		assertThat(stats.processing()).isFalse();
	}

	private static Map.Entry<String, Long> entry(String status, long count) {
		return Map.entry(status, count);
	}

}
