package io.captionflow.worker.intake;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.worker.WorkerProperties;
import io.captionflow.worker.frames.FrameDecodingException;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.frames.MediaLibrary;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.OcrUnavailableException;
import io.captionflow.worker.report.FlowReporter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Component;

/**
 * Runs one OCR request: reports it started, decodes the caption's frames (reporting
 * progress on long ones), computes their median, saves it as PNG beside the video, reads
 * its text and reports the outcome. Every failure of the request itself (the video, the
 * range, the crop, the language, an engine error, crash or timeout) ends in an ERROR
 * completion with the reason. Only failures that are not the caption's fault escape, so
 * that the request is retried: the outcome could not be published, or no OCR process
 * could be had.
 */
@Component
class OcrRequestHandler {

	private static final Logger logger = LoggerFactory.getLogger(OcrRequestHandler.class);

	private final WorkerProperties properties;

	private final MediaLibrary media;

	private final FrameRangeDecoder decoder;

	private final CaptionReader reader;

	private final FlowReporter reporter;

	private final Clock clock;

	OcrRequestHandler(WorkerProperties properties, MediaLibrary media, FrameRangeDecoder decoder, CaptionReader reader,
			FlowReporter reporter, Clock clock) {
		this.properties = properties;
		this.media = media;
		this.decoder = decoder;
		this.reader = reader;
		this.reporter = reporter;
		this.clock = clock;
	}

	void handle(CaptionOcrRequested request) {
		this.reporter.report(FlowStarted.of(request, this.properties.workerId(), this.clock.instant()));
		this.reporter.report(process(request));
	}

	private FlowCompleted process(CaptionOcrRequested request) {
		long start = System.nanoTime();
		long decoded = start;
		long medianDone = start;
		try {
			Path video = this.media.resolve(request.media());
			FrameRange range = new FrameRange(request.startFrameIndex(), request.endFrameIndex());
			List<GrayImage> frames = this.decoder.decode(video, range, request.crop(), this.properties.maxFrames(),
					new ProgressReport(request, start));
			decoded = System.nanoTime();
			GrayImage median = MedianFrame.of(frames);
			medianDone = System.nanoTime();
			String imageLocation = this.media.derivedLocation(request.media(),
					"caption-" + request.captionId() + ".png");
			median.writePng(this.media.root().resolve(imageLocation));
			OcrText text = this.reader.read(frames, median, request.language());
			long end = System.nanoTime();
			logger.info("Caption {} of video {} (revision {}): '{}' at {}% from {} frames in {} ms",
					request.captionId(), request.videoId(), request.revision(), text.text(), text.confidence(),
					frames.size(), millis(end - start));
			return FlowCompleted.complete(request, text.text(), text.confidence(), frames.size(), imageLocation,
					new FlowCompleted.Timings(millis(decoded - start), millis(medianDone - decoded),
							millis(end - medianDone), millis(end - start)),
					this.properties.workerId(), this.clock.instant());
		}
		catch (OcrUnavailableException ex) {
			throw ex;
		}
		catch (FrameDecodingException | OcrException ex) {
			return failed(request, ex.getMessage(), start, decoded, medianDone);
		}
		catch (IOException ex) {
			return failed(request, "cannot write the median image: " + ex.getMessage(), start, decoded, medianDone);
		}
		catch (RuntimeException ex) {
			logger.error("Caption {} of video {} failed unexpectedly", request.captionId(), request.videoId(), ex);
			return failed(request, "unexpected failure: " + ex, start, decoded, medianDone);
		}
	}

	private FlowCompleted failed(CaptionOcrRequested request, String reason, long start, long decoded,
			long medianDone) {
		logger.warn("Caption {} of video {} (revision {}) failed: {}", request.captionId(), request.videoId(),
				request.revision(), reason);
		long end = System.nanoTime();
		return FlowCompleted.error(
				request, reason, new FlowCompleted.Timings(millis(decoded - start),
						millis(Math.max(0, medianDone - decoded)), 0, millis(end - start)),
				this.properties.workerId(), this.clock.instant());
	}

	/**
	 * Publishes progress on a caption at most once per progress interval, so a short
	 * caption reports none and a long one feeds a progress bar without flooding; and
	 * stops decoding that takes longer than the decode timeout.
	 */
	private final class ProgressReport implements FrameRangeDecoder.Progress {

		private final CaptionOcrRequested request;

		private final long start;

		private long lastReport;

		ProgressReport(CaptionOcrRequested request, long start) {
			this.request = request;
			this.start = start;
			this.lastReport = start;
		}

		@Override
		public void decoded(int decoded, int total) {
			long now = System.nanoTime();
			Duration elapsed = Duration.ofNanos(now - this.start);
			if (elapsed.compareTo(OcrRequestHandler.this.properties.decodeTimeout()) > 0) {
				throw new FrameDecodingException(
						"decoding took longer than " + OcrRequestHandler.this.properties.decodeTimeout().toSeconds()
								+ " s and was stopped after " + decoded + " of " + total + " frames");
			}
			if (decoded < total
					&& now - this.lastReport >= OcrRequestHandler.this.properties.progressInterval().toNanos()) {
				this.lastReport = now;
				OcrRequestHandler.this.reporter.publish(FlowProgressed.of(this.request, decoded,
						OcrRequestHandler.this.properties.workerId(), OcrRequestHandler.this.clock.instant()));
			}
		}

	}

	private static long millis(long nanos) {
		return Math.max(0, nanos / 1_000_000);
	}

}
