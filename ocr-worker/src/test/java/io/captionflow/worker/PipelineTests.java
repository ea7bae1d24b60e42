package io.captionflow.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.captionflow.events.CropBox;
import io.captionflow.events.VideoManifest;
import io.captionflow.testsupport.DemoVideo;
import io.captionflow.worker.frames.FrameDecodingException;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.ocr.CaptionReader;
import io.captionflow.worker.ocr.OcrException;
import io.captionflow.worker.ocr.OcrText;
import io.captionflow.worker.ocr.TessdataFolders;
import io.captionflow.worker.ocr.TesseractEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Decoding, the median and OCR together, on a real H.264 video rendered with burned-in
 * captions over moving texture, read by the real Tesseract.
 */
class PipelineTests {

	@TempDir
	static Path mediaRoot;

	static VideoManifest manifest;

	static Path video;

	static TesseractEngine engine;

	static CaptionReader reader;

	private final FrameRangeDecoder decoder = new FrameRangeDecoder();

	@BeforeAll
	static void renderVideo() throws IOException {
		manifest = new DemoVideo(DemoVideo.Spec.shortClip()).render(mediaRoot, "clip", "clips/clip.mp4");
		video = mediaRoot.resolve(manifest.media());
		engine = new TesseractEngine(new TessdataFolders());
		reader = new CaptionReader(engine);
	}

	@AfterAll
	static void closeReader() {
		engine.close();
	}

	@Test
	void probeReportsWhatWasRendered() {
		FrameRangeDecoder.VideoFacts facts = this.decoder.probe(video);
		assertThat(facts.width()).isEqualTo(1280);
		assertThat(facts.height()).isEqualTo(720);
		assertThat(facts.fps()).isEqualTo(25.0);
		assertThat(facts.frameCount()).isEqualTo(manifest.frameCount());
	}

	@Test
	void medianOfEachCaptionRangeReadsAsItsBurnedInText() {
		for (VideoManifest.PredictedCaption caption : manifest.captions()) {
			List<GrayImage> frames = this.decoder.decode(video,
					new FrameRange(caption.startFrameIndex(), caption.endFrameIndex()), manifest.crop(), 64);
			assertThat(frames).hasSize(caption.endFrameIndex() - caption.startFrameIndex() + 1);
			assertThat(frames.get(0).width()).isEqualTo(manifest.crop().width());
			OcrText text = reader.read(MedianFrame.of(frames), "eng");
			assertThat(text.text()).isEqualTo(caption.text());
			assertThat(text.confidence()).isGreaterThan(50);
			OcrText isolated = reader.read(frames, MedianFrame.of(frames), "eng");
			assertThat(isolated.text()).isEqualTo(caption.text());
			assertThat(isolated.confidence()).isGreaterThan(50);
		}
	}

	@Test
	void rangeWithoutACaptionReadsAsNothing() {
		// between the two captions (frames 5-44 and 55-94) the box shows only moving
		// texture
		List<GrayImage> frames = this.decoder.decode(video, new FrameRange(46, 53), manifest.crop(), 64);
		OcrText text = reader.read(frames, MedianFrame.of(frames), "eng");
		assertThat(text.text()).isEmpty();
		assertThat(text.confidence()).isZero();
	}

	@Test
	void rangeBeyondTheLastFrameIsRefusedWithTheVideoLength() {
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.decoder.decode(video, new FrameRange(90, 100), manifest.crop(), 64))
			.withMessageContaining("outside the video, which has frames 0..99");
	}

	@Test
	void cropOutsideTheFrameIsRefused() {
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.decoder.decode(video, new FrameRange(0, 1), new CropBox(0, 700, 1280, 100), 64))
			.withMessageContaining("does not fit the 1280x720 video");
	}

	@Test
	void aFileThatIsNoVideoIsRefused() throws IOException {
		Path notVideo = java.nio.file.Files.writeString(mediaRoot.resolve("notes.mp4"), "not a video");
		assertThatExceptionOfType(FrameDecodingException.class)
			.isThrownBy(() -> this.decoder.decode(notVideo, new FrameRange(0, 1), manifest.crop(), 64))
			.withMessageContaining("not a readable video");
	}

	@Test
	void aLanguageThatIsNotInstalledIsAClearError() {
		List<GrayImage> frames = this.decoder.decode(video, new FrameRange(5, 10), manifest.crop(), 64);
		assertThatExceptionOfType(OcrException.class).isThrownBy(() -> reader.read(MedianFrame.of(frames), "xyz"))
			.withMessageContaining("OCR language 'xyz' is not installed");
	}

}
