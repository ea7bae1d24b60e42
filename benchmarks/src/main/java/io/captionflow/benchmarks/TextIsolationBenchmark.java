package io.captionflow.benchmarks;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.captionflow.testsupport.CaptionedVideo;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.textimage.TextIsolation;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Text isolation of one caption at 1080p: the 1920x200 caption box of a real H.264 video,
 * a white outlined caption over the Game of Life or a Mandelbrot zoom (the accuracy
 * suite's backgrounds), for 25 frames and the 64 the worker takes at most. The median is
 * computed in the setup: this is what isolation adds to the worker's decode, median and
 * OCR.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TextIsolationBenchmark {

	@Param({ "LIFE", "MANDELBROT" })
	public String background;

	@Param({ "25", "64" })
	public int frames;

	private List<GrayImage> crops;

	private GrayImage median;

	@Setup
	public void render() throws IOException {
		Path folder = Files.createTempDirectory("isolation-benchmark");
		Path video = folder.resolve("video.mp4");
		CaptionedVideo.Caption caption = new CaptionedVideo.Caption(0, this.frames - 1,
				"The quick brown fox jumps over 13 lazy dogs.",
				new CaptionedVideo.Style("DejaVu Sans", 48, Color.WHITE, true, false));
		CaptionedVideo.render(video, CaptionedVideo.Background.valueOf(this.background), this.frames, List.of(caption));
		this.crops = new FrameRangeDecoder().decode(video, new FrameRange(0, this.frames - 1), CaptionedVideo.CROP,
				this.frames);
		this.median = MedianFrame.of(this.crops);
		Files.delete(video);
		Files.delete(folder);
	}

	@Benchmark
	public TextIsolation.@Nullable Text isolate() {
		return TextIsolation.isolate(this.crops, this.median);
	}

}
