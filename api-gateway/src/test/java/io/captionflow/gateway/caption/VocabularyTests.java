package io.captionflow.gateway.caption;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The caption vocabulary: the same lower-case names in requests, responses and rows.
 */
class VocabularyTests {

	private final JsonMapper json = JsonMapper.builder().findAndAddModules().build();

	@Test
	void theRequestPatternsAcceptExactlyTheNamesOfTheVocabulary() {
		assertThat(ExtentsState.PATTERN).isEqualTo(names(ExtentsState.values(), ExtentsState::wireName, "|"));
		assertThat(ExtentsState.PATTERN_MESSAGE)
			.isEqualTo("must be one of " + names(ExtentsState.values(), ExtentsState::wireName, ", "));
		assertThat(TextStatus.PATTERN).isEqualTo(names(TextStatus.values(), TextStatus::wireName, "|"));
		assertThat(TextStatus.PATTERN_MESSAGE)
			.isEqualTo("must be one of " + names(TextStatus.values(), TextStatus::wireName, ", "));
	}

	@Test
	void theNamesAreTheOnesStoredAndShown() {
		assertThat(Arrays.stream(ExtentsState.values()).map(ExtentsState::wireName)).containsExactly("predicted",
				"confirmed", "gap", "issue");
		assertThat(Arrays.stream(OcrStatus.values()).map(OcrStatus::wireName)).containsExactly("idle", "queued",
				"processing", "completed", "error");
		assertThat(Arrays.stream(TextStatus.values()).map(TextStatus::wireName)).containsExactly("pending",
				"confirmed");
	}

	@Test
	void everyNameReadsBackAsItsValueAndAnUnknownNameIsRefused() {
		for (ExtentsState state : ExtentsState.values()) {
			assertThat(ExtentsState.fromWireName(state.wireName())).isSameAs(state);
		}
		for (OcrStatus status : OcrStatus.values()) {
			assertThat(OcrStatus.fromWireName(status.wireName())).isSameAs(status);
		}
		for (TextStatus status : TextStatus.values()) {
			assertThat(TextStatus.fromWireName(status.wireName())).isSameAs(status);
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ExtentsState.fromWireName("CONFIRMED"));
		assertThatIllegalArgumentException().isThrownBy(() -> OcrStatus.fromWireName("done"));
		assertThatIllegalArgumentException().isThrownBy(() -> TextStatus.fromWireName(null));
	}

	@Test
	void aCaptionIsShownWithItsFieldsAndTheLowerCaseNames() {
		Instant at = Instant.parse("2025-01-02T03:04:05Z");
		Caption caption = new Caption(7, "v", 10, 20, ExtentsState.GAP, true, "hi", false, null, null, null,
				OcrStatus.PROCESSING, null, 40, null, true, 3, at, at);
		Map<String, Object> shown = this.json.readValue(this.json.writeValueAsString(caption), new TypeReference<>() {
		});
		assertThat(shown.keySet()).containsExactlyInAnyOrder("id", "videoId", "startFrameIndex", "endFrameIndex",
				"extentsState", "extentsPending", "text", "textPending", "notes", "captionOcr", "captionOcrConfidence",
				"captionOcrStatus", "captionOcrError", "captionOcrProgress", "captionOcrProcessedAt", "imageNeedsRegen",
				"revision", "createdAt", "updatedAt");
		assertThat(shown.get("extentsState")).isEqualTo("gap");
		assertThat(shown.get("captionOcrStatus")).isEqualTo("processing");
	}

	private static <E> String names(E[] values, Function<E, String> name, String separator) {
		return Arrays.stream(values).map(name).collect(Collectors.joining(separator));
	}

}
