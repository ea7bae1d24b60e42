package io.captionflow.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the OCR worker.
 *
 * @param mediaRoot the folder videos are read from; requests name media relative to it
 * and nothing outside it is read
 * @param maxFrames the most frames that go into one median; longer captions are sampled
 * evenly, so memory stays bounded
 * @param workerId the name this worker reports in its flow events; defaults to pid@host
 * @param tessdata folder holding Tesseract's {@code <language>.traineddata} files; empty
 * means the English model bundled with Tess4J
 * @param retryBackoff pause between attempts when publishing a result fails
 * @param retryAttempts attempts before a request goes to the dead-letter topic
 * @param partitions partitions of the dead-letter topic the worker creates when missing
 */
@ConfigurationProperties("captionflow.worker")
public record WorkerProperties(@DefaultValue("./data/media") Path mediaRoot, @DefaultValue("64") int maxFrames,
		String workerId, String tessdata, @DefaultValue("1s") Duration retryBackoff,
		@DefaultValue("3") int retryAttempts, @DefaultValue("6") int partitions) {

	public WorkerProperties {
		if (workerId == null || workerId.isBlank()) {
			workerId = "ocr-worker-" + ManagementFactory.getRuntimeMXBean().getName();
		}
		if (maxFrames < 1) {
			throw new IllegalArgumentException("captionflow.worker.max-frames must be at least 1");
		}
	}

}
