package io.captionflow.gateway.notify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Event ids as they go on the wire and come back from clients.
 */
class EventIdTests {

	@Test
	void anIdIsTheEpochADashAndTheNumber() {
		assertThat(new EventId(8_123_456_789L, 42)).hasToString("8123456789-42");
		assertThat(new EventId(3, 0)).hasToString("3-0");
	}

	@Test
	void anIdReadsBackAsItWasWritten() {
		EventId id = new EventId((1L << 53) - 1, Long.MAX_VALUE);
		assertThat(EventId.parse(id.toString())).isEqualTo(id);
		assertThat(EventId.parse(" 17-5 ")).isEqualTo(new EventId(17, 5));
	}

	@Test
	void aBareNumberIsALegacyIdOfNoEpoch() {
		EventId legacy = EventId.parse("1234");
		assertThat(legacy.legacy()).isTrue();
		assertThat(legacy.number()).isEqualTo(1234);
		assertThat(legacy).hasToString("1234");
		assertThat(EventId.parse("5-1234").legacy()).isFalse();
	}

	@Test
	void anythingElseIsNotAnId() {
		for (String value : new String[] { "", "-", "-5", "5-", "0-5", "a-5", "5-a", "5--1", "5-1-2", "+5-1", "5-+1",
				"1e3", "5 -1", "99999999999999999999-1", "1-99999999999999999999", "٣-1", "x".repeat(50) }) {
			assertThatIllegalArgumentException().as(value).isThrownBy(() -> EventId.parse(value));
		}
	}

}
