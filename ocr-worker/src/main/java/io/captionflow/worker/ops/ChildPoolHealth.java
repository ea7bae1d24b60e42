package io.captionflow.worker.ops;

import java.util.function.Supplier;

import io.captionflow.worker.sandbox.ChildPool;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The health of a pool of child processes: {@code UP} while it can give a caption a
 * process (one runs, or the last start did not fail), {@code DOWN} when it is shut down
 * or no process runs and the last one could not be started (Tesseract's libraries or
 * language data missing, say), with the reason. Its details count the processes started
 * and lost (crashed, killed for a timeout): each lost one is replaced when next needed.
 */
final class ChildPoolHealth implements HealthIndicator {

	private final Supplier<ChildPool.Stats> stats;

	ChildPoolHealth(Supplier<ChildPool.Stats> stats) {
		this.stats = stats;
	}

	@Override
	public Health health() {
		ChildPool.Stats now = this.stats.get();
		Health.Builder builder = now.available() ? Health.up() : Health.down();
		builder.withDetail("size", now.size())
			.withDetail("live", now.live())
			.withDetail("idle", now.idle())
			.withDetail("started", now.started())
			.withDetail("lost", now.lost());
		if (now.closed()) {
			builder.withDetail("closed", true);
		}
		String failure = now.startFailure();
		if (failure != null) {
			builder.withDetail("startFailure", failure);
		}
		return builder.build();
	}

}
