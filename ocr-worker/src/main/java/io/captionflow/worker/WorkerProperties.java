package io.captionflow.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;

import io.captionflow.worker.median.MedianFrame;

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
 * means TESSDATA_PREFIX, Debian's tesseract-ocr-* folders, then the English model bundled
 * with Tess4J
 * @param retryBackoff first pause before a failed request is tried again; it doubles with
 * each attempt
 * @param retryAttempts attempts before a request goes to the dead-letter topic
 * @param partitions partitions of the dead-letter topic the worker creates when missing
 * @param progressInterval the shortest time between two progress events of one caption
 * @param decodeTimeout the longest decoding one caption's frames may take before the
 * caption ends in error
 * @param decoderThreads FFmpeg decoding threads per caption; 0 lets FFmpeg choose (one
 * per core), 1 keeps a caption on one core
 * @param shutdownTimeout how long a stopping worker waits for the caption in hand to
 * finish; a caption still running then is handed back, uncommitted, to the next worker of
 * the group
 * @param ocr the OCR child processes
 */
@ConfigurationProperties("captionflow.worker")
public record WorkerProperties(@DefaultValue("./data/media") Path mediaRoot, @DefaultValue("64") int maxFrames,
		String workerId, String tessdata, @DefaultValue("1s") Duration retryBackoff,
		@DefaultValue("3") int retryAttempts, @DefaultValue("6") int partitions,
		@DefaultValue("250ms") Duration progressInterval, @DefaultValue("2m") Duration decodeTimeout,
		@DefaultValue("0") int decoderThreads, @DefaultValue("30s") Duration shutdownTimeout, @DefaultValue Ocr ocr) {

	public WorkerProperties {
		if (workerId == null || workerId.isBlank()) {
			workerId = "ocr-worker-" + ManagementFactory.getRuntimeMXBean().getName();
		}
		if (maxFrames < 1 || maxFrames > MedianFrame.MAX_FRAMES) {
			throw new IllegalArgumentException(
					"captionflow.worker.max-frames must be between 1 and " + MedianFrame.MAX_FRAMES);
		}
		if (decoderThreads < 0) {
			throw new IllegalArgumentException(
					"captionflow.worker.decoder-threads must be 0 (FFmpeg's choice) or more");
		}
		if (retryAttempts < 1) {
			throw new IllegalArgumentException("captionflow.worker.retry-attempts must be at least 1");
		}
	}

	/**
	 * The child processes Tesseract runs in, so that a crash of the engine costs one
	 * caption and not the worker.
	 *
	 * @param processes how many; one per listener thread is enough
	 * @param timeout the longest one caption's OCR may take before its process is stopped
	 * and the caption ends in error
	 * @param startTimeout the longest a process may take to start
	 * @param maxHeap Java heap of a process in megabytes (Tesseract's memory is native)
	 */
	public record Ocr(@DefaultValue("1") int processes, @DefaultValue("30s") Duration timeout,
			@DefaultValue("30s") Duration startTimeout, @DefaultValue("64") int maxHeap) {
	}

}
