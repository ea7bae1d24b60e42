package io.captionflow.worker.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What leaves the worker fits the gateway's columns and cannot forge log lines.
 */
class EventTextTests {

	@Test
	void ocrTextKeepsItsLinesAndLosesControlCharacters() {
		assertThat(EventText.ocrText("The first line\nand\u0000 the\tsecond\u001b[31m"))
			.isEqualTo("The first line\nand the second[31m");
	}

	@Test
	void ocrTextIsCutTo4000CharactersWithoutSplittingASurrogatePair() {
		assertThat(EventText.ocrText("x".repeat(5000))).hasSize(4000);
		String emoji = "\uD83D\uDE00";
		String cut = EventText.ocrText("x".repeat(3999) + emoji);
		assertThat(cut).isEqualTo("x".repeat(3999));
	}

	@Test
	void reasonsAreOneLineOfAtMost2000Characters() {
		assertThat(EventText.reason("cannot read\n'evil\u0000.mp4'\r")).isEqualTo("cannot read 'evil .mp4'");
		assertThat(EventText.reason("y".repeat(3000))).hasSize(2000);
		assertThat(EventText.reason(" \u0000 ")).isEqualTo("unknown failure");
		assertThat(EventText.reason(null)).isEqualTo("unknown failure");
	}

	@Test
	void loggedValuesHaveTheirControlCharactersEscaped() {
		assertThat(EventText.forLog("video\nFORGED line\r\u0007\\")).isEqualTo("video\\nFORGED line\\r\\u0007\\\\");
		assertThat(EventText.forLog("z".repeat(1000))).hasSize(301).endsWith("…");
	}

}
