package io.captionflow.gateway.messaging;

import java.time.Duration;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a listener's failure becomes: an {@link Error} is an exception the error handler
 * retries and dead-letters (spring-kafka stops a container on an Error), and a database
 * that is away or slow makes a record wait instead of going to the dead-letter topic.
 */
class RecordFailedExceptionTests {

	@Test
	void anErrorOfARecordBecomesAnExceptionTheErrorHandlerTakes() {
		assertThatExceptionOfType(RecordFailedException.class).isThrownBy(() -> RecordFailedException.handle(() -> {
			throw new StackOverflowError();
		})).withCauseInstanceOf(StackOverflowError.class);
		assertThatExceptionOfType(RecordFailedException.class).isThrownBy(() -> RecordFailedException.handle(() -> {
			throw new OutOfMemoryError("Java heap space");
		})).withMessageContaining("Java heap space");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> RecordFailedException.handle(() -> {
			throw new IllegalArgumentException("as it was");
		}));
	}

	@Test
	void anApplyThatDoesNotFinishInTimeWaitsForTheDatabase() {
		assertThatExceptionOfType(RecordFailedException.class)
			.isThrownBy(() -> RecordFailedException.await(Mono.never(), Duration.ofMillis(50)))
			.satisfies((ex) -> assertThat(KafkaConfiguration.databaseAway(ex)).isTrue());
	}

	@Test
	void aDatabaseThatCannotBeReachedMakesARecordWaitAndABadRecordDoesNot() {
		assertThat(KafkaConfiguration.databaseAway(new CannotCreateTransactionException("no connection",
				new R2dbcNonTransientResourceException("Connection refused"))))
			.isTrue();
		assertThat(KafkaConfiguration.databaseAway(new DataIntegrityViolationException("value too long"))).isFalse();
		assertThat(KafkaConfiguration.databaseAway(new IllegalStateException("a bug"))).isFalse();
	}

}
