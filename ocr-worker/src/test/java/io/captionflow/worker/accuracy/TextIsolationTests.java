package io.captionflow.worker.accuracy;

import java.awt.Color;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.captionflow.testsupport.CaptionedVideo;
import io.captionflow.worker.frames.FrameRange;
import io.captionflow.worker.frames.FrameRangeDecoder;
import io.captionflow.worker.image.GrayImage;
import io.captionflow.worker.median.MedianFrame;
import io.captionflow.worker.textimage.TextIsolation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Text isolation on real frames: captions burned into a 1080p H.264 video over the Game
 * of Life, whose cells are as bright as the captions and, where they settle, as still.
 */
class TextIsolationTests {

	private static final CaptionedVideo.Caption OUTLINED = new CaptionedVideo.Caption(10, 49,
			"Caption over Life, 48 px", new CaptionedVideo.Style("DejaVu Sans", 48, Color.WHITE, true, false));

	private static final CaptionedVideo.Caption ON_A_BOX = new CaptionedVideo.Caption(60, 89, "Yellow on a box (40 px)",
			new CaptionedVideo.Style("Liberation Serif", 40, new Color(255, 230, 40), false, true));

	private static final CaptionedVideo.Caption TWO_LINES = new CaptionedVideo.Caption(100, 139,
			"The first line\nand the second", new CaptionedVideo.Style("DejaVu Sans", 44, Color.WHITE, true, false));

	private static final FrameRange NO_CAPTION = new FrameRange(143, 159);

	@TempDir
	static Path work;

	static Path video;

	private final FrameRangeDecoder decoder = new FrameRangeDecoder();

	@BeforeAll
	static void render() throws IOException {
		video = work.resolve("life.mp4");
		CaptionedVideo.render(video, CaptionedVideo.Background.LIFE, 160, List.of(OUTLINED, ON_A_BOX, TWO_LINES));
	}

	@Test
	void keepsTheCaptionsGlyphsAndNothingElse() {
		for (CaptionedVideo.Caption caption : List.of(OUTLINED, ON_A_BOX, TWO_LINES)) {
			TextIsolation.Text text = isolate(new FrameRange(caption.start(), caption.end()));
			assertThat(text).as(caption.text()).isNotNull();
			Rectangle expected = CaptionedVideo.textBounds(caption);
			Rectangle ink = inkBounds(text.image());
			Rectangle allowed = new Rectangle(expected);
			allowed.grow(3, 3);
			assertThat(allowed.contains(ink)).as("%s: ink %s within %s", caption.text(), ink, expected).isTrue();
			assertThat(ink.width).as(caption.text()).isGreaterThan(expected.width * 9 / 10);
			assertThat(ink.height).as(caption.text()).isGreaterThan(expected.height * 8 / 10);
		}
	}

	@Test
	void countsTheLinesOfACaption() {
		assertThat(isolate(new FrameRange(OUTLINED.start(), OUTLINED.end())).lines()).isEqualTo(1);
		assertThat(isolate(new FrameRange(ON_A_BOX.start(), ON_A_BOX.end())).lines()).isEqualTo(1);
		assertThat(isolate(new FrameRange(TWO_LINES.start(), TWO_LINES.end())).lines()).isEqualTo(2);
	}

	@Test
	void aRangeWithoutACaptionHoldsNoText() {
		assertThat(isolate(NO_CAPTION)).isNull();
	}

	private TextIsolation.Text isolate(FrameRange range) {
		List<GrayImage> frames = this.decoder.decode(video, range, CaptionedVideo.CROP, 64);
		return TextIsolation.isolate(frames, MedianFrame.of(frames));
	}

	private static Rectangle inkBounds(GrayImage image) {
		Rectangle bounds = null;
		for (int y = 0; y < image.height(); y++) {
			for (int x = 0; x < image.width(); x++) {
				if (image.at(x, y) == 0) {
					Rectangle pixel = new Rectangle(x, y, 1, 1);
					bounds = (bounds == null) ? pixel : bounds.union(pixel);
				}
			}
		}
		return (bounds != null) ? bounds : new Rectangle();
	}

}
