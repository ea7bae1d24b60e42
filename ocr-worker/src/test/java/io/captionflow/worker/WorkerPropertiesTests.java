package io.captionflow.worker;

import java.util.Map;

import io.captionflow.events.WorkLimits;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The worker's limits bind with the shared defaults, and the former name of the median's
 * frame count still works.
 */
class WorkerPropertiesTests {

	@Test
	void limitsDefaultToTheSharedWorkLimits() {
		WorkerProperties properties = bind(Map.of());
		assertThat(properties.workLimits()).isEqualTo(WorkLimits.DEFAULTS);
		assertThat(properties.decoderHeapMegabytes()).isEqualTo(256 + 64);
		// the gateway probes with the same list: what it registers, a worker opens
		assertThat(String.join(",", properties.decoderOptions().containers())).isEqualTo(WorkLimits.CONTAINERS);
	}

	@Test
	void limitsBindFromTheirKeysAndMaxFramesStillSetsTheMedianFrames() {
		WorkerProperties properties = bind(Map.of("captionflow.worker.limits.max-caption-frames", "400",
				"captionflow.worker.limits.max-decoded-frames", "500", "captionflow.worker.limits.max-decoded-bytes",
				"32MB", "captionflow.worker.max-frames", "16"));
		assertThat(properties.workLimits().maxDecodedFrames()).isEqualTo(500);
		assertThat(properties.workLimits().maxDecodedBytes()).isEqualTo(32L * 1024 * 1024);
		assertThat(properties.workLimits().medianFrames()).isEqualTo(16);
		assertThat(properties.decoderHeapMegabytes()).isEqualTo(32 + 64);
	}

	@Test
	void limitsThatContradictEachOtherAreRefusedAtStartUp() {
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("captionflow.worker.limits.max-decoded-frames", "500")))
			.havingRootCause()
			.withMessageContaining("max-decoded-frames at least max-caption-frames");
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> bind(Map.of("captionflow.worker.max-frames", "300")))
			.havingRootCause()
			.withMessageContaining("median-frames must be between 1 and 255");
	}

	private static WorkerProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("captionflow.worker",
				WorkerProperties.class);
	}

}
