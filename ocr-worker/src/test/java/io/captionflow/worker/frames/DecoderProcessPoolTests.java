package io.captionflow.worker.frames;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.captionflow.events.CropBox;
import io.captionflow.events.WorkLimits;
import io.captionflow.testsupport.IndexedVideo;
import io.captionflow.worker.image.GrayImage;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * FFmpeg isolated in child processes: the frames come back exact, and a crash, a decode
 * past its deadline or an exhausted heap costs one request, never the worker; the next
 * request gets a working process.
 */
class DecoderProcessPoolTests {

	@TempDir
	static Path folder;

	static Path indexed;

	static Path large;

	private DecoderProcessPool pool;

	@BeforeAll
	static void renderVideos() throws IOException {
		indexed = IndexedVideo.h264(300, 25).render(folder.resolve("indexed.mp4"));
		large = new IndexedVideo(1280, 720, 30, 30, avcodec.AV_CODEC_ID_H264, Map.of())
			.render(folder.resolve("large.mp4"));
	}

	@AfterEach
	void close() {
		if (this.pool != null) {
			this.pool.close();
		}
	}

	@Test
	void decodesExactlyTheFramesOfTheRangeInAChildProcess() {
		this.pool = pool(Duration.ofSeconds(30), 128, WorkLimits.DEFAULTS);
		for (FrameRange range : List.of(new FrameRange(24, 51), new FrameRange(3, 3), new FrameRange(280, 299))) {
			List<GrayImage> frames = this.pool.decode(indexed, range, IndexedVideo.BITS_BOX, 64);
			assertThat(frames.stream().mapToInt((frame) -> IndexedVideo.indexOf(frame::at)).toArray())
				.containsExactly(range.sample(64));
		}
		assertThat(this.pool.pids()).hasSize(1).doesNotContain(ProcessHandle.current().pid());
	}

	@Test
	void aCrashWhileDecodingFailsThatRequestWithTheSignalAndTheNextOneSucceeds() {
		this.pool = pool(Duration.ofSeconds(60), 128, WorkLimits.DEFAULTS);
		this.pool.start();
		long child = this.pool.pids().get(0);
		// the worker reads nothing more from the child while it is told of progress, so
		// the child cannot finish before it is killed
		assertThatExceptionOfType(FrameDecodingException.class).isThrownBy(() -> this.pool.decode(indexed,
				new FrameRange(10, 200), new CropBox(0, 0, 480, 270), 64, (decoded, total) -> {
					if (decoded == 1) {
						crash(child);
					}
				}))
			.withMessageContaining("the decoder crashed reading video 'indexed.mp4'")
			.withMessageContaining("SIGSEGV");
		List<GrayImage> frames = this.pool.decode(indexed, new FrameRange(100, 101), IndexedVideo.BITS_BOX, 64);
		assertThat(frames.stream().mapToInt((frame) -> IndexedVideo.indexOf(frame::at)).toArray()).containsExactly(100,
				101);
		assertThat(this.pool.pids()).hasSize(1).doesNotContain(child);
	}

	@Test
	void aDecodePastItsDeadlineIsStoppedAndItsProcessKilled() {
		this.pool = pool(Duration.ofMillis(1), 128, WorkLimits.DEFAULTS);
		this.pool.start();
		long child = this.pool.pids().get(0);
		// the deadline runs from the request: opening the video and seeking count
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.pool.decode(indexed, new FrameRange(250, 260), IndexedVideo.BITS_BOX, 64))
			.withMessage("decoding took longer than 1 ms and was stopped after 0 of 11 frames");
		assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
	}

	@Test
	void aDecodeThatExhaustsTheChildsHeapFailsWithThatReasonAndTheNextOneSucceeds() {
		// limits raised past what a 24 MB heap holds: 30 whole 720p frames are 27 MB
		WorkLimits generous = new WorkLimits(7680, 4320, Duration.ofHours(1), 240, 1280 * 720, 3000, 4000, 64, 1L << 30,
				4);
		this.pool = pool(Duration.ofSeconds(60), 24, generous);
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.pool.decode(large, new FrameRange(0, 29), new CropBox(0, 0, 1280, 720), 64))
			.withMessageStartingWith("decoding ran out of memory (the decoder's heap is");
		assertThat(this.pool.decode(large, new FrameRange(0, 29), new CropBox(0, 0, 64, 64), 64)).hasSize(30);
	}

	@Test
	void hostileFilesAreRefusedWithAReasonAndTheProcessKeepsServing() throws IOException {
		this.pool = pool(Duration.ofSeconds(60), 128,
				new WorkLimits(7680, 4320, Duration.ofHours(1), 240, 1 << 20, 100, 300, 64, 1L << 28, 4));
		this.pool.start();
		List<Long> before = this.pool.pids();
		Map<Path, String> reasons = Map.of(HostileFiles.truncated(indexed, folder.resolve("truncated.mp4")),
				"'truncated.mp4' is not a readable video", HostileFiles.empty(folder.resolve("empty.mp4")),
				"'empty.mp4' is not a readable video", HostileFiles.text(folder.resolve("notes.mp4")),
				"'notes.mp4' is not a readable video", HostileFiles.picture(folder.resolve("picture.mp4")),
				"'picture.mp4' is not a video in an accepted container (mov, mp4, m4a, 3gp, 3g2, mj2, matroska, webm, "
						+ "avi, mpegts, flv)",
				HostileFiles.tooWide(folder.resolve("wide.mp4")),
				"video 'wide.mp4' is 7696x240; the largest video accepted is 7680x4320",
				HostileFiles.longGop(500, folder.resolve("long-gop.mp4")),
				"frames 400..410 need 411 frames decoded from the keyframe at frame 0; max-decoded-frames is 300");
		Map<String, String> expected = new TreeMap<>();
		Map<String, String> refused = new TreeMap<>();
		reasons.forEach((file, reason) -> {
			expected.put(file.getFileName().toString(), reason);
			try {
				this.pool.decode(file, new FrameRange(400, 410), IndexedVideo.BITS_BOX, 64);
				refused.put(file.getFileName().toString(), "(decoded)");
			}
			catch (FrameDecodingException ex) {
				refused.put(file.getFileName().toString(), ex.getMessage());
			}
		});
		assertThat(refused).isEqualTo(expected);
		Path corrupt = HostileFiles.corruptInTheMiddle(indexed, folder.resolve("corrupt.mp4"));
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.pool.decode(corrupt, new FrameRange(100, 110), IndexedVideo.BITS_BOX, 64))
			.withMessageStartingWith("video 'corrupt.mp4' is corrupt: frame 100 could not be decoded");
		assertThat(this.pool.pids()).isEqualTo(before);
	}

	private static void crash(long pid) {
		try {
			new ProcessBuilder("kill", "-SEGV", Long.toString(pid)).start().waitFor(10, TimeUnit.SECONDS);
			ProcessHandle.of(pid).ifPresent((handle) -> handle.onExit().join());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static DecoderProcessPool pool(Duration timeout, int heap, WorkLimits limits) {
		return new DecoderProcessPool(
				new DecoderProcessPool.Settings(1, timeout, Duration.ofSeconds(30), heap, new FrameRangeDecoder.Options(
						0, limits, 5_000_000, Duration.ofSeconds(5), FrameRangeDecoder.Options.CONTAINERS)));
	}

}
