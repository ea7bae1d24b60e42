package io.captionflow.gateway.background;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The health of a {@link RoundLoop} and of the work waiting for it: {@code DOWN} when the
 * loop's thread does not run (stopped, or ended by a failure), or when the oldest item
 * waiting has waited longer than its bound; {@code UP} otherwise. Its details say whether
 * the thread runs, when a round last succeeded, what fails the rounds if they fail, how
 * many items wait and for how long the oldest has.
 */
public abstract class RoundLoopHealth extends AbstractReactiveHealthIndicator {

	private static final Duration BACKLOG_TIMEOUT = Duration.ofSeconds(5);

	private final RoundLoop loop;

	private final Duration maxWait;

	private final Clock clock;

	/**
	 * @param loop the loop
	 * @param maxWait how long an item may wait before the health is {@code DOWN}
	 * @param clock the clock of the items' times
	 */
	protected RoundLoopHealth(RoundLoop loop, Duration maxWait, Clock clock) {
		super("the backlog could not be read");
		this.loop = loop;
		this.maxWait = maxWait;
		this.clock = clock;
	}

	/**
	 * Reads the work waiting for the loop.
	 * @return the backlog
	 */
	protected abstract Mono<Backlog> backlog();

	@Override
	protected Mono<Health> doHealthCheck(Health.Builder builder) {
		RoundLoop.State state = this.loop.state();
		builder.withDetail("thread", state.activity().name().toLowerCase(Locale.ROOT));
		state.lastRound().ifPresent((at) -> builder.withDetail("lastRound", at.toString()));
		state.failure().ifPresent((failure) -> builder.withDetail("failure", failure));
		return backlog().timeout(BACKLOG_TIMEOUT).map((backlog) -> {
			builder.withDetail("waiting", backlog.waiting()).withDetail("maxWait", this.maxWait.toString());
			Optional<Duration> oldest = backlog.oldest()
				.map((since) -> Duration.between(since, this.clock.instant()))
				.map((age) -> age.isNegative() ? Duration.ZERO : age);
			oldest.ifPresent((age) -> builder.withDetail("oldestWait", age.toString()));
			boolean overdue = oldest.isPresent() && oldest.get().compareTo(this.maxWait) > 0;
			return (state.alive() && !overdue) ? builder.up().build() : builder.down().build();
		});
	}

	/**
	 * The work waiting for a loop.
	 *
	 * @param waiting how many items wait
	 * @param oldest since when the oldest waits, if one does
	 */
	public record Backlog(long waiting, Optional<Instant> oldest) {
	}

}
