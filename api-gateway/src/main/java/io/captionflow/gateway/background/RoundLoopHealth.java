package io.captionflow.gateway.background;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.SmartLifecycle;

/**
 * The health of a {@link RoundLoop} and of the work waiting for it: {@code DOWN} when the
 * loop's thread does not run (stopped, or ended by a failure), {@link #LAGGING} when it
 * runs but an item has waited longer than its bound, {@code UP} otherwise. Its details
 * say whether the thread runs, when a round last succeeded, what fails the rounds if they
 * fail, how many items wait, for how long the oldest has, and whether that is longer than
 * its bound ({@code overdue}).
 * <p>
 * {@code LAGGING} takes a gateway out of readiness but not out of the overall health: the
 * readiness group orders it before {@code UP} and maps it to 503, the overall health
 * after {@code UP} (see {@code management.endpoint.health.status.order}), so that a
 * broker away for a while does not make every gateway look dead to what only reads the
 * overall health.
 * <p>
 * The same backlog is read every {@value #GAUGE_SECONDS} s into two gauges,
 * {@code <metric>.waiting} and {@code <metric>.oldest.age} (seconds; 0 when nothing
 * waits): a scrape never waits on the database.
 */
public abstract class RoundLoopHealth extends AbstractReactiveHealthIndicator implements SmartLifecycle {

	/** A loop that runs, with work waiting longer than its bound. */
	public static final Status LAGGING = new Status("LAGGING",
			"work has waited longer than its bound: see overdue and oldestWait");

	static final long GAUGE_SECONDS = 10;

	private static final Duration BACKLOG_TIMEOUT = Duration.ofSeconds(5);

	private final RoundLoop loop;

	private final Duration maxWait;

	private final Clock clock;

	private final AtomicLong waiting = new AtomicLong();

	private final AtomicLong oldestMillis = new AtomicLong();

	private volatile @Nullable Disposable gauges;

	/**
	 * @param loop the loop
	 * @param maxWait how long an item may wait before the health says it is overdue
	 * @param clock the clock of the items' times
	 * @param metric the prefix of the backlog's gauges, such as
	 * {@code captionflow.outbox}
	 * @param meters where the gauges are registered
	 */
	protected RoundLoopHealth(RoundLoop loop, Duration maxWait, Clock clock, String metric, MeterRegistry meters) {
		super("the backlog could not be read");
		this.loop = loop;
		this.maxWait = maxWait;
		this.clock = clock;
		Gauge.builder(metric + ".waiting", this.waiting, AtomicLong::get)
			.description("Items waiting for the " + loop.name())
			.register(meters);
		TimeGauge.builder(metric + ".oldest.age", this.oldestMillis, TimeUnit.MILLISECONDS, AtomicLong::get)
			.description("How long the oldest item waiting for the " + loop.name() + " has waited")
			.register(meters);
	}

	@Override
	public void start() {
		this.gauges = Flux.interval(Duration.ZERO, Duration.ofSeconds(GAUGE_SECONDS))
			.onBackpressureDrop()
			.concatMap((tick) -> backlog().timeout(BACKLOG_TIMEOUT).onErrorResume((ex) -> Mono.empty()), 0)
			.subscribe((backlog) -> {
				this.waiting.set(backlog.waiting());
				this.oldestMillis.set(backlog.oldest().map(this::age).map(Duration::toMillis).orElse(0L));
			});
	}

	@Override
	public void stop() {
		Disposable running = this.gauges;
		if (running != null) {
			running.dispose();
			this.gauges = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.gauges != null;
	}

	private Duration age(Instant since) {
		Duration age = Duration.between(since, this.clock.instant());
		return age.isNegative() ? Duration.ZERO : age;
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
			Optional<Duration> oldest = backlog.oldest().map(this::age);
			oldest.ifPresent((age) -> builder.withDetail("oldestWait", age.toString()));
			boolean overdue = oldest.isPresent() && oldest.get().compareTo(this.maxWait) > 0;
			builder.withDetail("overdue", overdue);
			if (!state.alive()) {
				return builder.down().build();
			}
			return overdue ? builder.status(LAGGING).build() : builder.up().build();
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
