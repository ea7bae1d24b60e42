package io.captionflow.worker.ops;

import java.util.function.Function;

import io.captionflow.worker.frames.DecoderProcessPool;
import io.captionflow.worker.ocr.process.OcrProcessPool;
import io.captionflow.worker.sandbox.ChildPool;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The worker's health contributors and metrics. Readiness is the Kafka connection, the
 * request listener running and both child pools able to serve; liveness is the process
 * alone (a restart brings neither Kafka nor Tesseract's files back).
 * <p>
 * Metrics, by pool ({@code kind=ocr|decoder}):
 * {@code captionflow.worker.children.started} and
 * {@code captionflow.worker.children.lost} (crashed, killed for a timeout, broken: each
 * is replaced when next needed), and the gauge {@code captionflow.worker.children}
 * (running now). Spring Kafka's own meters cover the listener
 * ({@code spring.kafka.listener}), the client's the consumer's lag
 * ({@code kafka.consumer.fetch.manager.records.lag}).
 */
@Configuration(proxyBeanMethods = false)
class WorkerOperations {

	/** The request listener's id. */
	static final String LISTENER = "ocr-requests";

	@Bean
	HealthIndicator ocrProcesses(OcrProcessPool pool) {
		return new ChildPoolHealth(pool::stats);
	}

	@Bean
	HealthIndicator decoderProcesses(DecoderProcessPool pool) {
		return new ChildPoolHealth(pool::stats);
	}

	/**
	 * The request listener: {@code UP} while its container runs, with the partitions it
	 * holds; {@code DOWN} when it stopped (a fatal consumer error, say) or is not there.
	 * @param listeners the listener containers
	 * @return the indicator
	 */
	@Bean
	HealthIndicator requestListener(KafkaListenerEndpointRegistry listeners) {
		return () -> {
			MessageListenerContainer container = listeners.getListenerContainer(LISTENER);
			if (container == null) {
				return Health.down().withDetail("listener", LISTENER + " is not registered").build();
			}
			Health.Builder builder = container.isRunning() ? Health.up() : Health.down();
			var assigned = container.getAssignedPartitions();
			return builder.withDetail("listener", LISTENER)
				.withDetail("running", container.isRunning())
				.withDetail("partitions", (assigned != null) ? assigned.size() : 0)
				.build();
		};
	}

	@Bean
	MeterBinder childPoolMeters(OcrProcessPool ocr, DecoderProcessPool decoders) {
		return (meters) -> {
			bind(meters, "ocr", ocr, OcrProcessPool::stats);
			bind(meters, "decoder", decoders, DecoderProcessPool::stats);
		};
	}

	/**
	 * Binds a pool's meters. The pool itself is what they observe: Micrometer holds it
	 * weakly, and the pool lives as long as the application.
	 */
	private static <T> void bind(MeterRegistry meters, String kind, T pool, Function<T, ChildPool.Stats> stats) {
		FunctionCounter
			.builder("captionflow.worker.children.started", pool, (observed) -> stats.apply(observed).started())
			.description("Child processes started, the first ones included")
			.tag("kind", kind)
			.register(meters);
		FunctionCounter.builder("captionflow.worker.children.lost", pool, (observed) -> stats.apply(observed).lost())
			.description("Child processes found crashed, killed for a timeout or broken; each is replaced")
			.tag("kind", kind)
			.register(meters);
		Gauge.builder("captionflow.worker.children", pool, (observed) -> stats.apply(observed).live())
			.description("Child processes running now")
			.tag("kind", kind)
			.register(meters);
	}

}
