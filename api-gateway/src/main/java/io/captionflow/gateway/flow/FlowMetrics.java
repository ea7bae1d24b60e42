package io.captionflow.gateway.flow;

import java.time.Duration;
import java.util.Locale;

import io.captionflow.events.FlowCompleted;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.springframework.stereotype.Component;

/**
 * The metrics of the OCR results applied, from what each worker measured
 * ({@link FlowCompleted#timings()}, its confidence): a result is counted once, when it
 * changes its caption, however often it is delivered.
 * <ul>
 * <li>{@code captionflow.flows.duration{status}}: the worker's time on a request, from
 * taking it to its outcome;</li>
 * <li>{@code captionflow.flows.phase{phase=decode|median|ocr}}: the phases of a completed
 * one;</li>
 * <li>{@code captionflow.ocr.confidence}: the confidence of completed results with text,
 * 0 to 100.</li>
 * </ul>
 * The times come from another process: a negative one, or one of more than a day, is not
 * recorded.
 */
@Component
class FlowMetrics {

	private static final Duration LONGEST = Duration.ofDays(1);

	/**
	 * The histogram's bounds: around the 400 ms a caption should take, up to the decode
	 * timeout.
	 */
	private static final Duration[] BUCKETS = { Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
			Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), Duration.ofMillis(1600),
			Duration.ofMillis(3200), Duration.ofMillis(6400), Duration.ofSeconds(15), Duration.ofSeconds(30),
			Duration.ofSeconds(60), Duration.ofSeconds(120) };

	private final MeterRegistry meters;

	private final DistributionSummary confidence;

	FlowMetrics(MeterRegistry meters) {
		this.meters = meters;
		this.confidence = DistributionSummary.builder("captionflow.ocr.confidence")
			.description("Confidence of the OCR results applied with text, 0 to 100 (below 80: check this)")
			.serviceLevelObjectives(50, 60, 70, 80, 90, 95, 100)
			.minimumExpectedValue(1.0)
			.maximumExpectedValue(100.0)
			.register(meters);
	}

	/**
	 * Records a result that changed its caption.
	 * @param completed the result
	 */
	void applied(FlowCompleted completed) {
		String status = completed.status().name().toLowerCase(Locale.ROOT);
		FlowCompleted.Timings timings = completed.timings();
		record(timer("captionflow.flows.duration", "status", status,
				"Time a worker took on a request, from taking it to its outcome"), timings.totalMs());
		if (completed.status() == FlowCompleted.Status.COMPLETE) {
			record(phase("decode"), timings.decodeMs());
			record(phase("median"), timings.medianMs());
			record(phase("ocr"), timings.ocrMs());
			Double value = completed.confidence();
			if (value != null && value >= 0 && value <= 100 && completed.text() != null
					&& !completed.text().isBlank()) {
				this.confidence.record(value);
			}
		}
	}

	private Timer phase(String phase) {
		return timer("captionflow.flows.phase", "phase", phase, "Phases of a completed OCR request in the worker");
	}

	private Timer timer(String name, String tag, String value, String description) {
		return Timer.builder(name)
			.description(description)
			.tag(tag, value)
			.serviceLevelObjectives(BUCKETS)
			.register(this.meters);
	}

	private static void record(Timer timer, long millis) {
		if (millis >= 0 && millis <= LONGEST.toMillis()) {
			timer.record(Duration.ofMillis(millis));
		}
	}

}
