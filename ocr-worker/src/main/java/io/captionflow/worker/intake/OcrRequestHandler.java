package io.captionflow.worker.intake;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.captionflow.events.CaptionOcrRequested;
import io.captionflow.events.FlowCompleted;
import io.captionflow.events.FlowProgressed;
import io.captionflow.events.FlowStarted;
import io.captionflow.events.WorkLimits;
import io.captionflow.worker.WorkerProperties;
import io.captionflow.worker.frames.FrameDecodingException;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameSource;
import io.captionflow.worker.frames.MediaLibrary;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.OcrUnavailableException;
import io.captionflow.worker.report.EventText;
import io.captionflow.worker.report.FlowReporter;
import io.captionflow.worker.sandbox.ChildUnavailableException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.stereotype.Component;

/**
 * Runs one OCR request: checks it against the work limits, reports it started, decodes
 * the caption's frames in a decoder process (reporting progress on long ones), computes
 * their median, saves it as PNG beside the video, reads its text and reports the outcome.
 * Each of the three phases is an observation ({@code captionflow.worker.phase}): a timer
 * by phase, and a span in the request's trace.
 * <p>
 * Every failure of the request itself ends in an ERROR completion with the reason: a
 * limit broken, the video, the range, the crop, the language, a crash or timeout of the
 * decoder or the engine, and anything else thrown while it runs, errors such as
 * {@link OutOfMemoryError} included, so that no record can stop the listener. Only
 * failures that are not the caption's fault escape, so that the request is retried and
 * then dead-lettered: the outcome could not be published, or no decoder or OCR process
 * could be had.
 */
@Component
class OcrRequestHandler {

	private static final Logger logger = LoggerFactory.getLogger(OcrRequestHandler.class);

	private final WorkerProperties properties;

	private final WorkLimits limits;

	private final MediaLibrary media;

	private final FrameSource frames;

	private final CaptionReader reader;

	private final FlowReporter reporter;

	private final Clock clock;

	private final MeterRegistry meters;

	private final ObservationRegistry observations;

	OcrRequestHandler(WorkerProperties properties, MediaLibrary media, FrameSource frames, CaptionReader reader,
			FlowReporter reporter, Clock clock, MeterRegistry meters, ObservationRegistry observations) {
		this.meters = meters;
		this.observations = observations;
		this.properties = properties;
		this.limits = properties.workLimits();
		this.media = media;
		this.frames = frames;
		this.reader = reader;
		this.reporter = reporter;
		this.clock = clock;
	}

	/**
	 * Runs a request and publishes its outcome.
	 * @param request the request
	 * @throws RuntimeException when the outcome could not be published or no process
	 * could be had: the request is retried, then dead-lettered
	 */
	void handle(CaptionOcrRequested request) {
		// what the lines logged while it runs are about (in structured logs)
		MDC.put("videoId", EventText.forLog(request.videoId()));
		MDC.put("captionId", Long.toString(request.captionId()));
		MDC.put("requestId", String.valueOf(request.eventId()));
		try {
			run(request);
		}
		finally {
			MDC.remove("videoId");
			MDC.remove("captionId");
			MDC.remove("requestId");
		}
	}

	private void run(CaptionOcrRequested request) {
		try {
			long start = System.nanoTime();
			this.reporter.report(FlowStarted.of(request, this.properties.workerId(), this.clock.instant()));
			FlowCompleted outcome = process(request);
			this.reporter.report(outcome);
			Timer.builder("captionflow.worker.requests")
				.description("OCR requests this worker took to an outcome it published, by outcome")
				.tag("outcome", outcome.status().name().toLowerCase(Locale.ROOT))
				.register(this.meters)
				.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
		}
		catch (Error ex) {
			// publishing failed with an Error: not thrown as one, which would stop the
			// listener's container, but as a failure the error handler retries and
			// dead-letters
			throw new RequestFailedException(
					"could not publish the outcome of caption " + request.captionId() + ": " + ex, ex);
		}
	}

	private FlowCompleted process(CaptionOcrRequested request) {
		long start = System.nanoTime();
		long decoded = start;
		long medianDone = start;
		try {
			Optional<WorkLimits.Violation> refused = check(request);
			if (refused.isPresent()) {
				refusedFor(refused.get());
				return failed(request, refused.get().message(), start, start, start);
			}
			Path video = this.media.resolve(request.media());
			FrameRange range = new FrameRange(request.startFrameIndex(), request.endFrameIndex());
			List<GrayImage> frames = phase("decode", () -> this.frames.decode(video, range, request.crop(),
					this.limits.medianFrames(), new ProgressReport(request, start)));
			decoded = System.nanoTime();
			GrayImage median = phase("median", () -> MedianFrame.of(frames));
			medianDone = System.nanoTime();
			String imageLocation = this.media.writeDerived(request.media(), "caption-" + request.captionId() + ".png",
					median);
			OcrText read = phase("ocr", () -> this.reader.read(frames, median, request.language()));
			String text = EventText.ocrText(read.text());
			long end = System.nanoTime();
			logger.info("Caption {} of video {} (revision {}): '{}' at {}% from {} frames in {} ms",
					request.captionId(), EventText.forLog(request.videoId()), request.revision(),
					EventText.forLog(text), read.confidence(), frames.size(), millis(end - start));
			return FlowCompleted.complete(request, text, read.confidence(), frames.size(), imageLocation,
					new FlowCompleted.Timings(millis(decoded - start), millis(medianDone - decoded),
							millis(end - medianDone), millis(end - start)),
					this.properties.workerId(), this.clock.instant());
		}
		catch (OcrUnavailableException | ChildUnavailableException ex) {
			throw ex;
		}
		catch (FrameDecodingException | OcrException ex) {
			return failed(request, ex.getMessage(), start, decoded, medianDone);
		}
		catch (IOException ex) {
			return failed(request, "cannot write the median image: " + ex.getMessage(), start, decoded, medianDone);
		}
		catch (VirtualMachineError ex) {
			// out of memory or stack on this caption: what it held is garbage now
			logger.error("Caption {} of video {} failed with {}", request.captionId(),
					EventText.forLog(request.videoId()), ex.toString(), ex);
			return failed(request, "the worker could not process this caption: " + ex, start, decoded, medianDone);
		}
		catch (RuntimeException | Error ex) {
			logger.error("Caption {} of video {} failed unexpectedly", request.captionId(),
					EventText.forLog(request.videoId()), ex);
			return failed(request, "unexpected failure: " + ex, start, decoded, medianDone);
		}
	}

	/** Runs a phase of a request as an observation: timed, and a span of its trace. */
	private <T> T phase(String name, Supplier<T> work) {
		return Observation.createNotStarted("captionflow.worker.phase", this.observations)
			.contextualName(name)
			.lowCardinalityKeyValue("phase", name)
			.observe(work);
	}

	/** Counts a request refused for a work limit, by the limit's field. */
	private void refusedFor(WorkLimits.Violation violation) {
		Counter.builder("captionflow.worker.limits.refused")
			.description("OCR requests refused for breaking a work limit, by the field checked")
			.tag("field", violation.field())
			.register(this.meters)
			.increment();
	}

	/**
	 * Checks what can be checked of a request before its video is opened: the language,
	 * the range (its length; whether it fits the video is checked once the video is open,
	 * as are the crop box and the video itself).
	 */
	private Optional<WorkLimits.Violation> check(CaptionOcrRequested request) {
		return this.limits.checkLanguage(request.language())
			.or(() -> this.limits.checkRange(request.startFrameIndex(), request.endFrameIndex(), Long.MAX_VALUE));
	}

	private FlowCompleted failed(CaptionOcrRequested request, @Nullable String reason, long start, long decoded,
			long medianDone) {
		String published = EventText.reason(reason);
		logger.warn("Caption {} of video {} (revision {}) failed: {}", request.captionId(),
				EventText.forLog(request.videoId()), request.revision(), EventText.forLog(published));
		long end = System.nanoTime();
		return FlowCompleted.error(
				request, published, new FlowCompleted.Timings(millis(decoded - start),
						millis(Math.max(0, medianDone - decoded)), 0, millis(end - start)),
				this.properties.workerId(), this.clock.instant());
	}

	/**
	 * Publishes progress on a caption at most once per progress interval, so a short
	 * caption reports none and a long one feeds a progress bar without flooding. (The
	 * decode timeout is the decoder pool's: it kills a decoder that takes too long, the
	 * seek included.)
	 */
	private final class ProgressReport implements FrameSource.Progress {

		private final CaptionOcrRequested request;

		private long lastReport;

		ProgressReport(CaptionOcrRequested request, long start) {
			this.request = request;
			this.lastReport = start;
		}

		@Override
		public void decoded(int decoded, int total) {
			long now = System.nanoTime();
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

	/**
	 * A request could not be finished for a reason that is not its own: retried, then
	 * dead-lettered.
	 */
	static class RequestFailedException extends RuntimeException {

		RequestFailedException(String message, Throwable cause) {
			super(message, cause);
		}

	}

}
