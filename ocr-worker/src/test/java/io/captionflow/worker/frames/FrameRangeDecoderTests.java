package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.captionflow.events.CropBox;
import io.captionflow.testsupport.IndexedVideo;
import io.captionflow.worker.image.GrayImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Frame-exactness on real encoded videos whose frames carry their own index: every
 * decoded frame must be the one asked for, whether the range starts on a keyframe or
 * between two, at the first frame or at the last, and with B-frames reordered. One
 * decoder reads every range in turn, so they also hold when it seeks within a video it
 * keeps open, backwards as well as forwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FrameRangeDecoderTests {

	private static final int FRAMES = 300;

	private static final int GOP = 25;

	@TempDir
	static Path folder;

	private Path h264;

	private Path mpeg4;

	private final FrameRangeDecoder decoder = new FrameRangeDecoder();

	@BeforeAll
	void renderVideos() throws IOException {
		this.h264 = IndexedVideo.h264(FRAMES, GOP).render(folder.resolve("indexed-h264.mp4"));
		this.mpeg4 = IndexedVideo.mpeg4WithBFrames(FRAMES, GOP).render(folder.resolve("indexed-mpeg4.mp4"));
	}

	@AfterAll
	void closeDecoder() {
		this.decoder.close();
	}

	Stream<Arguments> ranges() {
		List<FrameRange> ranges = new ArrayList<>(List.of(new FrameRange(0, 0), new FrameRange(0, 13),
				new FrameRange(GOP, GOP + 13), new FrameRange(GOP - 1, GOP + 1), new FrameRange(GOP + 1, GOP + 1),
				new FrameRange(4 * GOP + 7, 6 * GOP + 3), new FrameRange(FRAMES - 1, FRAMES - 1),
				new FrameRange(FRAMES - 14, FRAMES - 1)));
		Random random = new Random(7);
		for (int i = 0; i < 12; i++) {
			int start = random.nextInt(FRAMES);
			ranges.add(new FrameRange(start, start + random.nextInt(Math.min(40, FRAMES - start))));
		}
		return Stream.of("h264", "mpeg4")
			.flatMap((video) -> ranges.stream().map((range) -> Arguments.of(video, range)));
	}

	@ParameterizedTest(name = "{0} frames {1}")
	@MethodSource("ranges")
	void decodesExactlyTheFramesOfTheRange(String video, FrameRange range) {
		List<GrayImage> frames = this.decoder.decode(file(video), range, IndexedVideo.BITS_BOX, 64);
		assertThat(frames.stream().mapToInt((frame) -> IndexedVideo.indexOf(frame::at)).toArray())
			.containsExactly(range.sample(64));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("videos")
	void longRangeIsSampledEvenlyAndStillExact(String video) {
		FrameRange whole = new FrameRange(0, FRAMES - 1);
		List<GrayImage> frames = this.decoder.decode(file(video), whole, IndexedVideo.BITS_BOX, 16);
		assertThat(frames).hasSize(16);
		assertThat(frames.stream().mapToInt((frame) -> IndexedVideo.indexOf(frame::at)).toArray())
			.containsExactly(whole.sample(16));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("videos")
	void lumaReadFromThePictureEqualsSwscalesGrayConversion(String video) {
		FrameRange range = new FrameRange(GOP - 3, GOP + 9);
		CropBox wholeFrame = new CropBox(0, 0, 480, 270);
		List<GrayImage> luma = this.decoder.decode(file(video), range, wholeFrame, 64);
		List<GrayImage> converted = new FrameRangeDecoder(false, FrameRangeDecoder.Options.DEFAULTS.withThreads(1))
			.decode(file(video), range, wholeFrame, 64);
		assertThat(luma).hasSize(range.length());
		for (int i = 0; i < luma.size(); i++) {
			assertThat(luma.get(i).pixels()).as("frame %d", range.start() + i).isEqualTo(converted.get(i).pixels());
		}
	}

	@Test
	void aVideoReplacedOnDiskIsReadAfresh() throws IOException {
		Path video = folder.resolve("replaced.mp4");
		Files.copy(this.h264, video);
		assertThat(this.decoder.decode(video, new FrameRange(100, 101), IndexedVideo.BITS_BOX, 64)).hasSize(2);
		IndexedVideo.h264(60, GOP).render(video);
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.decoder.decode(video, new FrameRange(100, 101), IndexedVideo.BITS_BOX, 64))
			.withMessage("frame range 100..101 is outside the video, which has frames 0..59");
		assertThat(this.decoder.decode(video, new FrameRange(50, 59), IndexedVideo.BITS_BOX, 64)
			.stream()
			.mapToInt((frame) -> IndexedVideo.indexOf(frame::at))
			.toArray()).containsExactly(50, 51, 52, 53, 54, 55, 56, 57, 58, 59);
	}

	Stream<String> videos() {
		return Stream.of("h264", "mpeg4");
	}

	private Path file(String video) {
		return "h264".equals(video) ? this.h264 : this.mpeg4;
	}

}
