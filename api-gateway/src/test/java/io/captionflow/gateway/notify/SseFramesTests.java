package io.captionflow.gateway.notify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.captionflow.events.VideoNotification;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The frames of the event stream, byte for byte as they go on the wire.
 */
class SseFramesTests {

	@Test
	void aNotificationIsAnEventWithItsIdItsNameAndItsJsonOnOneDataLine() {
		VideoNotification notification = new VideoNotification(VideoNotification.SCHEMA_VERSION, 42, "v1",
				"caption-ocr", VideoNotification.Status.ERROR, "no text\nfound", 7L,
				Instant.parse("2025-01-02T03:04:05Z"), "ocr-worker", "4bf92f3577b34da6a3ce929d0e0e4736");
		assertThat(text(SseFrames.notification(new EventId(9007, 42), notification))).isEqualTo("""
				id:9007-42
				event:video-stats-updated
				data:{"schemaVersion":1,"id":42,"videoId":"v1","flowName":"caption-ocr","status":"error",\
				"error":"no text\\nfound","captionId":7,"timestamp":"2025-01-02T03:04:05Z","source":"ocr-worker",\
				"traceId":"4bf92f3577b34da6a3ce929d0e0e4736"}

				""");
	}

	@Test
	void resetTellsWhyTheLastIdTheOldestRetainedAndTheNewestWhichIsItsId() {
		assertThat(text(SseFrames.reset(new EventId(9007, 25), new EventId(9007, 3), 10, SseFrames.PRUNED)))
			.isEqualTo("""
					id:9007-25
					event:reset
					data:{"reason":"pruned","lastEventId":"9007-3","oldestRetained":10,"newest":25}

					""");
	}

	@Test
	void aResetSentAsTheClientStreamsHasNoLastIdAndABareNumberIsEchoedAsSent() {
		assertThat(text(SseFrames.reset(new EventId(12, 40), null, 1, SseFrames.EPOCH_CHANGED))).isEqualTo("""
				id:12-40
				event:reset
				data:{"reason":"epoch-changed","lastEventId":null,"oldestRetained":1,"newest":40}

				""");
		assertThat(text(SseFrames.reset(new EventId(12, 40), EventId.parse("77"), 1, SseFrames.OTHER_EPOCH)))
			.contains("\"lastEventId\":\"77\"");
	}

	@Test
	void theConnectCommentCarriesTheRetryDelayInMilliseconds() {
		assertThat(text(SseFrames.connected(Duration.ofSeconds(1)))).isEqualTo(":connected\nretry:1000\n\n");
	}

	@Test
	void theHeartbeatIsAComment() {
		assertThat(text(SseFrames.heartbeat())).isEqualTo(":heartbeat\n\n");
	}

	@Test
	void dataWithLineBreaksBecomesOneDataLinePerLine() {
		assertThat(text(SseFrames.event("1", "e", "a\nb\r\nc\rd")))
			.isEqualTo("id:1\nevent:e\ndata:a\ndata:b\ndata:c\ndata:d\n\n");
	}

	@Test
	void aTrailingOrRepeatedLineBreakInDataIsKeptAsAnEmptyDataLine() {
		assertThat(text(SseFrames.event("1", "e", "a\n"))).isEqualTo("id:1\nevent:e\ndata:a\ndata:\n\n");
		assertThat(text(SseFrames.event("1", "e", "a\n\nb"))).isEqualTo("id:1\nevent:e\ndata:a\ndata:\ndata:b\n\n");
		assertThat(text(SseFrames.event("1", "e", "\r\n"))).isEqualTo("id:1\nevent:e\ndata:\ndata:\n\n");
	}

	@Test
	void emptyDataIsOneEmptyDataLine() {
		assertThat(text(SseFrames.event("0", "e", ""))).isEqualTo("id:0\nevent:e\ndata:\n\n");
	}

	@Test
	void aCommentWithLineBreaksBecomesOneCommentLinePerLine() {
		assertThat(text(SseFrames.comment("one\ntwo"))).isEqualTo(":one\n:two\n\n");
	}

	@Test
	void framesAreUtf8() {
		assertThat(SseFrames.event("5", "e", "café ✓"))
			.isEqualTo("id:5\nevent:e\ndata:café ✓\n\n".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void anEventNameOfMoreThanOneLineIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.event("1", "a\ndata:forged", "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.event("1", "a\rb", "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> SseFrames.event("1\ndata:forged", "e", "{}"));
	}

	private static String text(byte[] frame) {
		return new String(frame, StandardCharsets.UTF_8);
	}

}
