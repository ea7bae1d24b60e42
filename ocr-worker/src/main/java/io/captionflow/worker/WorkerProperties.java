package io.captionflow.worker;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.captionflow.events.WorkLimits;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.median.MedianFrame;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the OCR worker.
 *
 * @param mediaRoot the folder videos are read from; requests name media relative to it
 * and nothing outside it is read
 * @param maxFrames former name of {@code limits.median-frames}; when set it wins, so
 * existing configurations keep working
 * @param workerId the name this worker reports in its flow events; defaults to pid@host
 * @param tessdata folder holding Tesseract's {@code <language>.traineddata} files; empty
 * means TESSDATA_PREFIX, Debian's tesseract-ocr-* folders, then the English model bundled
 * with Tess4J
 * @param retryBackoff first pause before a failed request is tried again; it doubles with
 * each attempt
 * @param retryAttempts attempts before a request goes to the dead-letter topic
 * @param partitions partitions of the dead-letter topic the worker creates when missing
 * @param topicReplicationFactor replicas of each of its partitions; null for the broker's
 * {@code default.replication.factor}
 * @param topicMinInsyncReplicas its {@code min.insync.replicas}; null for the broker's
 * @param progressInterval the shortest time between two progress events of one caption
 * @param decodeTimeout the longest decoding one caption's frames may take, from opening
 * the video through the seek from the keyframe to the last frame, before its decoder
 * process is stopped and the caption ends in error
 * @param decoderThreads FFmpeg decoding threads per caption; 0 lets FFmpeg choose (one
 * per core), 1 keeps a caption on one core
 * @param shutdownTimeout how long a stopping worker waits for the caption in hand to
 * finish; a caption still running then is handed back, uncommitted, to the next worker of
 * the group
 * @param limits how much work one request may cause, checked on every request before
 * anything is allocated
 * @param decode the decoder child processes
 * @param ocr the OCR child processes
 */
@ConfigurationProperties("captionflow.worker")
public record WorkerProperties(@DefaultValue("./data/media") Path mediaRoot, @Nullable Integer maxFrames,
		String workerId, @Nullable String tessdata, @DefaultValue("1s") Duration retryBackoff,
		@DefaultValue("3") int retryAttempts, @DefaultValue("6") int partitions,
		@Nullable Integer topicReplicationFactor, @Nullable Integer topicMinInsyncReplicas,
		@DefaultValue("250ms") Duration progressInterval, @DefaultValue("2m") Duration decodeTimeout,
		@DefaultValue("0") int decoderThreads, @DefaultValue("30s") Duration shutdownTimeout,
		@DefaultValue Limits limits, @DefaultValue Decode decode, @DefaultValue Ocr ocr) {

	public WorkerProperties {
		if (workerId == null || workerId.isBlank()) {
			workerId = "ocr-worker-" + ManagementFactory.getRuntimeMXBean().getName();
		}
		if (maxFrames != null) {
			limits = limits.withMedianFrames(maxFrames);
		}
		if (limits.medianFrames() < 1 || limits.medianFrames() > MedianFrame.MAX_FRAMES) {
			throw new IllegalArgumentException(
					"captionflow.worker.limits.median-frames must be between 1 and " + MedianFrame.MAX_FRAMES);
		}
		if (decoderThreads < 0) {
			throw new IllegalArgumentException(
					"captionflow.worker.decoder-threads must be 0 (FFmpeg's choice) or more");
		}
		if (retryAttempts < 1) {
			throw new IllegalArgumentException("captionflow.worker.retry-attempts must be at least 1");
		}
		if (topicReplicationFactor != null
				&& (topicReplicationFactor < 1 || topicReplicationFactor > Short.MAX_VALUE)) {
			throw new IllegalArgumentException("captionflow.worker.topic-replication-factor must be 1 to "
					+ Short.MAX_VALUE + ", not " + topicReplicationFactor);
		}
		if (topicMinInsyncReplicas != null && (topicMinInsyncReplicas < 1
				|| (topicReplicationFactor != null && topicMinInsyncReplicas > topicReplicationFactor))) {
			throw new IllegalArgumentException("captionflow.worker.topic-min-insync-replicas must be 1 to the "
					+ "replication factor, not " + topicMinInsyncReplicas);
		}
	}

	/**
	 * The limits every request is held to.
	 * @return the limits
	 */
	public WorkLimits workLimits() {
		return this.limits.toWorkLimits();
	}

	/**
	 * What the decoders accept and how they decode.
	 * @return the options
	 */
	public FrameRangeDecoder.Options decoderOptions() {
		return new FrameRangeDecoder.Options(this.decoderThreads, workLimits(), this.decode.probeSize().toBytes(),
				this.decode.analyzeDuration(), this.decode.containers());
	}

	/**
	 * The Java heap of a decoder process, in megabytes: as set, or enough for the most
	 * bytes of frames a request may hold, and 64 MB more.
	 * @return the heap
	 */
	public int decoderHeapMegabytes() {
		DataSize maxHeap = this.decode.maxHeap();
		if (maxHeap != null) {
			return Math.toIntExact(Math.max(16, maxHeap.toMegabytes()));
		}
		return Math.toIntExact(this.limits.maxDecodedBytes().toMegabytes() + 64);
	}

	/**
	 * How much work one request may cause (the fields of {@link WorkLimits}, whose
	 * defaults these are). The gateway checks the same limits at its API; the worker
	 * checks them again on every request it takes off Kafka, since a record on the topic
	 * need not have come through the gateway.
	 *
	 * @param maxWidth widest video frame, in pixels
	 * @param maxHeight tallest video frame, in pixels
	 * @param maxDuration longest video
	 * @param maxFps highest frame rate
	 * @param maxCropPixels largest caption box, in pixels
	 * @param maxCaptionFrames longest caption, in frames
	 * @param maxDecodedFrames the most frames one request may decode, the pre-roll from
	 * the keyframe before the caption included
	 * @param medianFrames the most frames that go into one median; longer captions are
	 * sampled evenly, so memory stays bounded
	 * @param maxDecodedBytes the most bytes of cropped frames one request may hold
	 * @param maxLanguages the most Tesseract languages one request may combine
	 */
	public record Limits(@DefaultValue("7680") int maxWidth, @DefaultValue("4320") int maxHeight,
			@DefaultValue("12h") Duration maxDuration, @DefaultValue("240") double maxFps,
			@DefaultValue("4194304") long maxCropPixels, @DefaultValue("3000") int maxCaptionFrames,
			@DefaultValue("4000") int maxDecodedFrames, @DefaultValue("64") int medianFrames,
			@DefaultValue("256MB") DataSize maxDecodedBytes, @DefaultValue("4") int maxLanguages) {

		public Limits {
			if (maxCropPixels > Integer.MAX_VALUE - 8) {
				throw new IllegalArgumentException(
						"captionflow.worker.limits.max-crop-pixels must fit one Java array (at most "
								+ (Integer.MAX_VALUE - 8) + ")");
			}
			// checks the rest as WorkLimits does (the fields are not assigned yet)
			new WorkLimits(maxWidth, maxHeight, maxDuration, maxFps, maxCropPixels, maxCaptionFrames, maxDecodedFrames,
					medianFrames, maxDecodedBytes.toBytes(), maxLanguages);
		}

		WorkLimits toWorkLimits() {
			return new WorkLimits(this.maxWidth, this.maxHeight, this.maxDuration, this.maxFps, this.maxCropPixels,
					this.maxCaptionFrames, this.maxDecodedFrames, this.medianFrames, this.maxDecodedBytes.toBytes(),
					this.maxLanguages);
		}

		Limits withMedianFrames(int medianFrames) {
			return new Limits(this.maxWidth, this.maxHeight, this.maxDuration, this.maxFps, this.maxCropPixels,
					this.maxCaptionFrames, this.maxDecodedFrames, medianFrames, this.maxDecodedBytes,
					this.maxLanguages);
		}

	}

	/**
	 * The child processes FFmpeg decodes in, so that a crash of FFmpeg on a crafted or
	 * corrupt video costs one caption and not the worker, and what they accept.
	 *
	 * @param processes how many; one per listener thread is enough
	 * @param startTimeout the longest a process may take to start
	 * @param maxHeap Java heap of a process; it holds one caption's cropped frames, so by
	 * default it is {@code limits.max-decoded-bytes} and 64 MB more (FFmpeg's memory is
	 * native)
	 * @param probeSize the most bytes FFmpeg reads of a file to find its streams
	 * @param analyzeDuration the most media time FFmpeg reads of a file to find its
	 * streams
	 * @param containers the FFmpeg demuxers accepted; any other file is refused before it
	 * is parsed
	 */
	public record Decode(@DefaultValue("1") int processes, @DefaultValue("30s") Duration startTimeout,
			@Nullable DataSize maxHeap, @DefaultValue("5MB") DataSize probeSize,
			@DefaultValue("5s") Duration analyzeDuration, @DefaultValue( {
					"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts",
					"flv" }) List<String> containers){
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
